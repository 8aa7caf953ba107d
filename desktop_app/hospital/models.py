"""The hospital profile: the record and its fields."""
from __future__ import annotations

from dataclasses import dataclass

from desktop_app.fields import Field, Fields

HOSPITAL_LEVELS = [
    "三级甲等", "三级乙等", "三级未定等", "二级甲等", "二级乙等", "二级未定等",
    "一级甲等", "一级乙等", "一级未定等", "未定级",
]

HOSPITAL_FIELDS = Fields(
    Field("name", "医院名称"),
    Field("level", "医院等级"),
    Field("region", "所在地区"),
    Field("credit_code", "统一社会信用代码"),
    Field("address", "地址"),
    Field("phone", "联系电话"),
)


@dataclass(frozen=True)
class HospitalProfile:
    name: str
    level: str
    region: str
    credit_code: str | None = None
    address: str | None = None
    phone: str | None = None

    @property
    def id(self) -> int:
        return 1  # the hospital table holds one row

    def as_dict(self) -> dict:
        return {
            "name": self.name, "level": self.level, "region": self.region,
            "credit_code": self.credit_code, "address": self.address, "phone": self.phone,
        }
