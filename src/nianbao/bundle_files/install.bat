@echo off
rem nianbao {{ version }}: offline installer for 64-bit Windows. Written as GBK with CRLF line ends,
rem which cmd.exe on Chinese Windows reads as it is (no chcp); commands are ASCII, Chinese is only echoed.
rem   install: nianbao[excel] from wheels\ with no network, then the Excel add-in for the current user
rem   /quiet : no pause, for roll-out. Exit code 0 done; 1 failed; 2 command line installed, but this PC
rem            has no Microsoft Excel, so no add-in (WPS)
setlocal EnableExtensions DisableDelayedExpansion
set "HERE=%~dp0"
set "QUIET="
if /i "%~1"=="/quiet" set "QUIET=1"
if /i "%~1"=="/q" set "QUIET=1"
rem A character the console cannot show becomes "?" instead of stopping Python.
set "PYTHONIOENCODING=:replace"
set "PIP_DISABLE_PIP_VERSION_CHECK=1"
set "RC=1"

echo nianbao（政府信息公开工作年度报告工具）{{ version }} 离线安装
echo.
if not exist "%HERE%wheels\{{ wheel }}" goto not_extracted
call :find_python
if not defined PY goto no_python
echo 使用的 Python：%PYPATH%
echo.
echo [1/2] 安装 nianbao 和它需要的软件包（来自本文件夹中的 wheels，不需要联网）……
%PY% -m pip install --no-index --find-links "%HERE%wheels" --no-warn-script-location "{{ requirement }}"
if errorlevel 1 goto pip_failed
echo.
echo [2/2] 安装 Excel 加载项……
%PY% -m nianbao addin install
if errorlevel 2 goto addin_failed
if errorlevel 1 goto no_excel
echo.
echo 安装完成。请重新启动 Excel，功能区会出现“政务公开年报”选项卡。
echo 命令行用法：%PY% -m nianbao --help
set "RC=0"
goto done

:no_excel
echo.
echo nianbao 命令行已安装；本电脑没有 Microsoft Excel，所以没有安装加载项。
echo WPS 用户请使用命令行，例如：%PY% -m nianbao check 单位年报.xlsx
set "RC=2"
goto done

:addin_failed
echo.
echo nianbao 已安装，但加载项没有装好（原因见上一行）。请关闭 Excel 后再运行一次本程序。
goto done

:pip_failed
echo.
echo 安装软件包没有成功（原因见上面的英文信息）。常见原因：杀毒软件拦截了文件，
echo 或者 Python 安装在需要管理员权限的文件夹中。请查看说明.txt 中的“常见问题”。
goto done

:no_python
echo 没有找到可以使用的 Python。需要 64 位的 Python {{ range }}，而且要先装好 Python 再运行本程序。
echo 请从 https://www.python.org/downloads/windows/ 下载 Windows installer (64-bit)，
echo 或向县政务公开办、信息中心索取安装程序；安装时勾选 Add python.exe to PATH。
goto done

:not_extracted
echo 没有找到本程序旁边的 wheels 文件夹。请先把压缩包全部解压（右键，全部解压缩），
echo 再运行解压出来的文件夹中的 安装.bat。
goto done

:done
if defined QUIET exit /b %RC%
echo.
pause
exit /b %RC%

{% include "find_python.bat" %}
