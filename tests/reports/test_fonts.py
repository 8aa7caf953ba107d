"""The bundled font can draw everything we print; it is registered lazily, once."""
import ast
import subprocess
import sys
from pathlib import Path

import desktop_app.reports
from desktop_app.hospital.service import HOSPITAL_LEVELS
from desktop_app.people import models
from desktop_app.reports.fonts import missing_glyphs
from tests import conftest, factories

# The 400 most common surnames and a broad sample of characters used in given names.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施"
    "文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷"
    "盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷"
    "晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆"
    "乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平"
    "计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公"
    "哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由欧阳司马上官诸葛东方皇甫尉迟公孙慕容长孙"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥玲芬燕建国志宏文斌海波鹏辉晓梅雪琳婷倩慧颖佳欣"
    "怡梓涵子轩浩宇晨阳思雨诗琪嘉鑫睿博宸铭昊煜彤瑶璐蕾薇馨悦妍琦瑾瑜珺璇菁蓉蕊茜苒岚峰嵘崇巍岩松柏梁栋森林楠"
    "鹤鸿鹏翔飞龙凤麟骏驰腾跃毅恒坚韧智勤俭淑贤德仁义礼信忠孝诚善良福禄寿喜庆祥瑞春夏秋冬霖露霜雯霏云霄琼瑛"
    "璟琛珊瑚珍珠翠玮琰曦昕旭昱晗晖晔暄暖宁静安康泰丰裕富贵荣耀光亮彬杉桐樱桦榕柯楷荷莉莎蓓蔚芸芷茹莹萱蓝菲"
    "娅婉婕嫣姝姣娇媛嫦姗妮娴曼凌冰雁翎羽翼展鹰之乃也而以其于从永长久远方圆正直端庄"
)
PRINTED_EXTRAS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz，。：；、！？（）【】《》“”‘’—…·%℃-_/()"


def _string_literals(folder: Path) -> str:
    """Every string constant in the report modules: labels, headings, filter words, messages."""
    out = []
    for path in folder.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        out += [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    return "".join(out)


def _vocabularies() -> str:
    words = [*models.DEPARTMENT_KINDS, *models.STAFF_CATEGORIES, *models.GENDERS, *models.NON_REGISTERED_REASONS,
             *models.TITLE_RANK_LABELS.values(), *models.STAFF_FIELDS.labels().values(),
             *models.DEPARTMENT_FIELDS.labels().values(), *HOSPITAL_LEVELS, *conftest.PROFILE.values()]
    words += [t for titles in models.TITLES_BY_CATEGORY.values() for t in titles]
    words += [c for cats in models.PRACTICE_CATEGORIES.values() for c in cats]
    words += [d[0] for d in factories.DEPARTMENTS] + [s[1] for s in factories.STAFF]
    return "".join(words)


def test_font_has_every_character_we_print():
    text = _string_literals(Path(desktop_app.reports.__file__).parent) + _vocabularies()
    text += SURNAMES + GIVEN + PRINTED_EXTRAS
    assert len(set(text)) > 700
    assert missing_glyphs(text) == set()


def test_missing_glyphs_names_what_would_print_as_a_box():
    # U+20BB7 𠮷 (a rare surname character, CJK extension B) is not in Noto Sans SC.
    assert missing_glyphs("张三\U00020BB7\ue000\n") == {"\U00020BB7", "\ue000"}


def test_importing_the_kit_does_not_load_fonts_and_registering_twice_is_harmless():
    code = (
        "from reportlab.pdfbase import pdfmetrics\n"
        "import desktop_app.people.reports, desktop_app.reports.pdf, desktop_app.reports.xlsx\n"
        "assert 'NotoSansSC' not in pdfmetrics.getRegisteredFontNames()\n"
        "from desktop_app.reports.fonts import register_fonts\n"
        "assert register_fonts() == register_fonts() == 'NotoSansSC'\n"
        "names = pdfmetrics.getRegisteredFontNames()\n"
        "assert {'NotoSansSC', 'NotoSansSC-Bold'} <= set(names), names\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
