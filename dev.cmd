@echo off
chcp 65001 >nul
rem 医疗质量安全台账 — Windows 10/11 development set-up (python.org Python 3.11 on PATH).
rem   dev.cmd run    set up, build the simulated demo hospital once (tools\demo_hospital), open the program
rem   dev.cmd test   set up and run the whole test suite
rem   dev.cmd build  set up, build dist\QualityLedger, run its self-test, make the zip and (with
rem                  Inno Setup 6 installed) the installer: build_scripts\build.py
setlocal
cd /d "%~dp0"
set ACTION=%1
if "%ACTION%"=="" set ACTION=run
if not exist .venv\Scripts\python.exe (
  echo ==^> 创建虚拟环境 .venv
  py -3.11 -m venv .venv || python -m venv .venv || goto :nopython
)
if not exist .venv\.installed-test-build (
  echo ==^> 安装依赖
  .venv\Scripts\python -m pip install -q --upgrade pip
  .venv\Scripts\python -m pip install -q -e ".[test,build]" || exit /b 1
  echo done> .venv\.installed-test-build
)
if /i "%ACTION%"=="run" (
  .venv\Scripts\python -m tools.demo_hospital --if-missing
  .venv\Scripts\qledger
  exit /b %ERRORLEVEL%
)
if /i "%ACTION%"=="test" (
  set QT_QPA_PLATFORM=offscreen
  .venv\Scripts\python -m pytest -q
  exit /b %ERRORLEVEL%
)
if /i "%ACTION%"=="build" (
  .venv\Scripts\python build_scripts\build.py
  exit /b %ERRORLEVEL%
)
echo 用法：dev.cmd run ^| dev.cmd test ^| dev.cmd build
exit /b 2
:nopython
echo 需要 Python 3.11：请从 https://www.python.org 安装，并勾选 “Add python.exe to PATH”。
exit /b 1
