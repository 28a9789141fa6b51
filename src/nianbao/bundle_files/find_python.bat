rem --- :find_python sets PY to a command that starts a suitable Python (and PYPATH to its python.exe).
rem The py launcher knows every Python installed from python.org; then the installers' default folders;
rem last "python" on PATH, which on a fresh Windows is the Microsoft Store's stub: the probe rejects it.
:find_python
set "PY="
for %%V in ({{ launcher_versions }}) do call :probe py -%%V-64
for %%D in ({{ folder_names }}) do call :probe "%LOCALAPPDATA%\Programs\Python\%%D\python.exe"
for %%D in ({{ folder_names }}) do call :probe "%ProgramFiles%\%%D\python.exe"
call :probe python
if not defined PY goto :eof
rem Through a file, not for /f: a quoted command inside for /f's quotes is read differently by different cmds.
set "PYPATH="
%PY% -c "import sys;print(sys.executable)" > "%TEMP%\nianbao-python.txt" 2>nul
set /p PYPATH=<"%TEMP%\nianbao-python.txt"
del "%TEMP%\nianbao-python.txt" >nul 2>&1
goto :eof

:probe
if defined PY goto :eof
%* -c "{{ probe }}" >nul 2>&1
if not errorlevel 1 set "PY=%*"
goto :eof
