/* nianbao portal: drag and drop onto the upload form, a size check before sending, and Chinese
   messages for what htmx reports as an error. No inline script anywhere (Content-Security-Policy). */
(function () {
  "use strict";

  var MESSAGES = {
    0: "无法连接服务器，请检查网络后重试。",
    403: "页面已过期或安全校验未通过，请刷新页面后重新操作。",
    404: "链接无效或已撤销，请向县（市、区）政务公开工作机构索取新的报送链接。",
    413: "文件太大，超过了上传上限。年报工作簿一般只有几十KB，请确认选对了文件。",
    429: "操作太频繁，请稍等一分钟后再试。"
  };

  function show(text) {
    var box = document.getElementById("upload-status");
    if (!box) { window.alert(text); return; }
    box.textContent = "";
    var div = document.createElement("div");
    div.className = "msg error rejected";
    div.textContent = text;
    box.appendChild(div);
  }

  function send(form) {
    var input = form.querySelector("input[type=file]");
    var max = parseInt(form.getAttribute("data-max-upload") || "0", 10);
    if (!input || !input.files || !input.files.length) { show("请选择要上传的年报工作簿（.xlsx）。"); return; }
    var file = input.files[0];
    if (max && file.size > max) {
      show("“" + file.name + "”太大（" + (file.size / 1048576).toFixed(1) + " MB），超过了 " +
           (max / 1048576).toFixed(0) + " MB 的上限；年报工作簿一般只有几十KB，请确认选对了文件。");
      return;
    }
    if (window.htmx) { window.htmx.trigger(form, "submit"); } else { form.submit(); }
  }

  function bind(root) {
    root.querySelectorAll("form.upload").forEach(function (form) {
      if (form.dataset.bound) { return; }
      form.dataset.bound = "1";
      var zone = form.querySelector(".dropzone");
      var input = form.querySelector("input[type=file]");
      input.addEventListener("change", function () { send(form); });
      ["dragenter", "dragover"].forEach(function (name) {
        zone.addEventListener(name, function (e) { e.preventDefault(); zone.classList.add("over"); });
      });
      ["dragleave", "drop"].forEach(function (name) {
        zone.addEventListener(name, function () { zone.classList.remove("over"); });
      });
      zone.addEventListener("drop", function (e) {
        e.preventDefault();
        if (!e.dataTransfer || !e.dataTransfer.files.length) { return; }
        input.files = e.dataTransfer.files;
        send(form);
      });
      form.addEventListener("submit", function (e) {
        var file = input.files && input.files[0];
        var max = parseInt(form.getAttribute("data-max-upload") || "0", 10);
        if (file && max && file.size > max) { e.preventDefault(); send(form); }
      });
    });
    root.querySelectorAll(".print-button").forEach(function (a) {
      a.addEventListener("click", function (e) { e.preventDefault(); window.print(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { bind(document); });
  document.addEventListener("htmx:afterSettle", function (e) { bind(e.target); });
  document.addEventListener("htmx:responseError", function (e) {
    var status = e.detail.xhr ? e.detail.xhr.status : 0;
    show(MESSAGES[status] || "服务器没有处理这次请求（" + status + "），请稍后重试。");
  });
  document.addEventListener("htmx:sendError", function () { show(MESSAGES[0]); });
})();
