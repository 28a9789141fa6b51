@echo off
rem nianbao: uninstall for the current user: the Excel add-in, then nianbao and xlwings from the Python
rem that has them. Other packages stay (other programs may use them). GBK with CRLF, as install.bat.
rem   /quiet : no pause. Exit code 0 done; 1 failed
setlocal EnableExtensions DisableDelayedExpansion
set "QUIET="
if /i "%~1"=="/quiet" set "QUIET=1"
if /i "%~1"=="/q" set "QUIET=1"
set "PYTHONIOENCODING=:replace"
set "PIP_DISABLE_PIP_VERSION_CHECK=1"
set "RC=1"

echo 卸载 nianbao（政府信息公开工作年度报告工具）
echo.
call :find_python
if not defined PY goto no_nianbao
echo 使用的 Python：%PYPATH%
%PY% -m nianbao addin remove
%PY% -m pip uninstall -y nianbao xlwings
if errorlevel 1 goto failed
echo.
echo 已卸载。请重新启动 Excel。
set "RC=0"
goto done

:no_nianbao
rem No Python has nianbao any more: still take the add-in out of Excel's startup folder.
if exist "%APPDATA%\Microsoft\Excel\XLSTART\nianbao.xlam" del "%APPDATA%\Microsoft\Excel\XLSTART\nianbao.xlam"
if exist "%APPDATA%\Microsoft\Excel\XLSTART\nianbao.xlam" goto failed
echo 本电脑的 Python 中没有 nianbao；Excel 启动文件夹中的加载项已删除。
set "RC=0"
goto done

:failed
echo.
echo 没有卸载干净（原因见上）。请关闭 Excel 后再运行一次本程序。
goto done

:done
if defined QUIET exit /b %RC%
echo.
pause
exit /b %RC%

{% include "find_python.bat" %}
