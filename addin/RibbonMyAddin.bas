Attribute VB_Name = "RibbonMyAddin"
' Every button: tag -> nianbao.excel
Sub OnButton(control As IRibbonControl)
    RunPython "import nianbao.excel as x; x.dispatch('" & control.Tag & "', 'NIANBAO_VERSION')"
End Sub
