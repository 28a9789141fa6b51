rem --- :find_python sets PY to a command that starts a suitable Python (and PYPATH to its python.exe).
rem The py launcher knows every Python installed from python.org; then the installers' default folders;
rem last "python" on PATH, which on a fresh Windows is the Microsoft Store's stub: the probe rejects it.
:find_python
set "PY="
for %%V in ({{ launcher_versions }}) do call :probe py -%%V-64
for %%D in ({{ folder_names }}) do call :probe "%LOCALAPPDATA%\Programs\Python\%%D\python.exe"
for %%D in ({{ folder_names }}) do call :probe "%ProgramFiles%\%%D\python.exe"
call :probe python
if defined PY for /f "delims=" %%P in ('"%PY% -c "import sys;print(sys.executable)""') do set "PYPATH=%%P"
goto :eof

:probe
if defined PY goto :eof
%* -c "{{ probe }}" >nul 2>&1
if not errorlevel 1 set "PY=%*"
goto :eof
