; 医疗质量安全台账 (QualityLedger) — Windows installer script for Inno Setup 6.3 or newer.
;
; build_scripts\build.py runs this after PyInstaller and the self-test have passed:
;   ISCC.exe /DAppVersion=0.1.0 /DSourceDir=<仓库>\dist\QualityLedger /DOutputDir=<仓库>\dist
;            /DIconFile=<仓库>\build\icon\app.ico build_scripts\qledger.iss
; → dist\QualityLedger-<版本>-setup.exe
;
; What the installer does:
; * installs dist\QualityLedger into C:\Program Files\QualityLedger (administrator rights);
; * a start-menu folder 医疗质量安全台账 with the program, 程序自检 (qledger.exe --self-test in a
;   console window that stays open) and the uninstaller; a desktop icon if ticked;
; * creates C:\ProgramData\QualityLedger (the program's data folder: database, backups, logs)
;   and gives the local Users group modify rights on it, inherited by everything created in it,
;   so a database made by one Windows user can be written by the others on a shared PC;
; * the uninstaller removes the program only: the data folder is never deleted (it says where it is).
;
; Saved as UTF-8 with a byte-order mark so that Inno Setup reads the Chinese text correctly.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef SourceDir
  #define SourceDir AddBackslash(SourcePath) + "..\dist\QualityLedger"
#endif
#ifndef OutputDir
  #define OutputDir AddBackslash(SourcePath) + "..\dist"
#endif
#ifndef IconFile
  #define IconFile AddBackslash(SourcePath) + "..\build\icon\app.ico"
#endif
#define AppName "医疗质量安全台账"
#define AppExe "QualityLedger.exe"
#define ConsoleExe "qledger.exe"
#define DataDir "{commonappdata}\QualityLedger"

[Setup]
; The AppId identifies the installation for upgrades and the uninstaller: never change it.
AppId={{F9373BBB-0509-4A79-ABA9-5568FB2DD800}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=QualityLedger 项目组
VersionInfoVersion={#AppVersion}
VersionInfoDescription={#AppName} 安装程序
VersionInfoProductName={#AppName}
DefaultDirName={autopf}\QualityLedger
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Qt 6 needs Windows 10 1809 (build 17763) or newer.
MinVersion=10.0.17763
OutputDir={#OutputDir}
OutputBaseFilename=QualityLedger-{#AppVersion}-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName} {#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=no
CloseApplications=yes
RestartApplications=no

[Languages]
; Inno Setup's Chinese wizard texts (ChineseSimplified.isl) are used when that file is in the
; compiler's Languages folder; otherwise the wizard is in English (our own texts below stay Chinese).
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
Name: "chs"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#else
Name: "en"; MessagesFile: "compiler:Default.isl"
#endif

[CustomMessages]
SelfTest=程序自检
DataKept=程序已卸载。数据（数据库、备份和日志）仍保存在 %1，没有删除。%n如确实不再需要，请先备份，再手动删除该文件夹。
DataPermissions=正在设置数据文件夹的权限……

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Dirs]
Name: "{#DataDir}"; Permissions: users-modify; Flags: uninsneveruninstall
Name: "{#DataDir}\backups"; Permissions: users-modify; Flags: uninsneveruninstall
Name: "{#DataDir}\logs"; Permissions: users-modify; Flags: uninsneveruninstall

[InstallDelete]
; An upgrade replaces the program's libraries completely (no stale files from the previous version).
Type: filesandordirs; Name: "{app}\_internal"

[Files]
; A portable marker or data folder left in the build folder is never installed.
Source: "{#SourceDir}\*"; DestDir: "{app}"; Excludes: "\portable*,\data\*"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{group}\{cm:SelfTest}"; Filename: "{cmd}"; Parameters: "/k ""{app}\{#ConsoleExe}"" --self-test"; WorkingDir: "{app}"; IconFilename: "{app}\{#AppExe}"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
; Files that were in the data folder before this installer ran (e.g. a database made by a copy run
; from the zip) get the same Users modify rights; *S-1-5-32-545 is the Users group on any language.
Filename: "{sys}\icacls.exe"; Parameters: """{#DataDir}"" /grant *S-1-5-32-545:(OI)(CI)M /T /C /Q"; StatusMsg: "{cm:DataPermissions}"; Flags: runhidden waituntilterminated
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent runasoriginaluser

[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and (not UninstallSilent) then
    MsgBox(FmtMessage(CustomMessage('DataKept'), [ExpandConstant('{#DataDir}')]), mbInformation, MB_OK);
end;
