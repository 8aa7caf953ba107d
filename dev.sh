#!/usr/bin/env bash
# 医疗质量安全台账 — set up and run, or set up and test, on Linux (Debian 12 / Ubuntu).
#
#   ./dev.sh run    set up, build the simulated demo hospital once (tools/demo_hospital), open the program
#   ./dev.sh test   set up and run the whole test suite headless (extra args go to pytest)
#   ./dev.sh build  set up and build the Linux distribution into dist/ (extra args go to build_scripts/build.py)
#
# Set-up is idempotent: Debian libraries Qt needs (installed when running as root, otherwise
# the exact apt-get command is printed), a virtual environment in .venv, the package with its
# test and build tools (re-installed only when pyproject.toml or the extras change). With CI set
# (as on the CI machine), the test suite also builds the distribution and runs its self-test
# (tests/build/test_dist.py).
set -euo pipefail
cd "$(dirname "$0")"

PYTHON="${PYTHON:-}"
if [ -z "$PYTHON" ]; then
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 14) else 1)'; then
      PYTHON="$candidate"; break
    fi
  done
fi
if [ -z "$PYTHON" ]; then
  echo "需要 Python 3.11（或 3.12/3.13）。Debian 12：apt-get install -y python3 python3-venv" >&2
  exit 1
fi

# Libraries PySide6 needs without a display (offscreen) and in a window under Xvfb,
# and poppler-utils (pdftotext/pdffonts) which the report tests use to read PDFs back.
DEBIAN_PACKAGES="libglib2.0-0 libegl1 libgl1 libfontconfig1 libfreetype6 libdbus-1-3 libxkbcommon0
  xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0
  libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 libxcb-randr0 libxcb-xinerama0 libxcb-xfixes0
  poppler-utils"

install_debian_packages() {
  command -v dpkg-query >/dev/null 2>&1 || return 0
  local missing=()
  for pkg in $DEBIAN_PACKAGES; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  # Debian's own python3.11 needs the venv module package.
  if ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    missing+=("python3-venv")
  fi
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> 安装系统库：${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "缺少系统库，请以 root 运行：apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
}

setup() {
  install_debian_packages
  if [ ! -x .venv/bin/python ]; then
    echo "==> 创建虚拟环境 .venv（$("$PYTHON" --version)）"
    "$PYTHON" -m venv .venv
  fi
  local extras="test,build"  # build: PyInstaller, for ./dev.sh build and the CI's distribution test
  local stamp=.venv/.installed-$( (cat pyproject.toml; echo "$extras") | sha256sum | cut -c1-16)
  if [ ! -f "$stamp" ]; then
    echo "==> 安装依赖（首次约需 1–2 分钟）"
    .venv/bin/python -m pip install -q --upgrade pip >/dev/null
    .venv/bin/python -m pip install -q -e ".[$extras]"
    rm -f .venv/.installed-* && touch "$stamp"
  fi
}

case "${1:-run}" in
  run)
    shift || true
    setup
    .venv/bin/python -m tools.demo_hospital --if-missing "$@"  # the 1-year simulated hospital (not shipped)
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ "$(uname)" = "Linux" ]; then
      echo "==> 没有图形显示：程序在虚拟显示（Xvfb）中运行。按 Ctrl+C 结束。"
      exec xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/qledger "$@"
    fi
    exec .venv/bin/qledger "$@"
    ;;
  test)
    shift
    setup
    export QT_QPA_PLATFORM=offscreen
    exec .venv/bin/python -m pytest -q "$@"
    ;;
  build)
    shift
    setup
    exec .venv/bin/python build_scripts/build.py "$@"
    ;;
  *)
    echo "用法：./dev.sh run | ./dev.sh test [pytest 参数] | ./dev.sh build [构建参数]" >&2
    exit 2
    ;;
esac
