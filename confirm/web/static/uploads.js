/* Jiudi mediator pages on a tablet (issue 14, item 5): uploads and the dispute-type pick-list.
   Progressive enhancement only: without this file the upload form posts its files (one type for all) and the
   pick-list is a plain <select> with a text field for 其他. The server's answers stay the truth. */
"use strict";
(function () {
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }
  function size(bytes) {
    return bytes >= 1048576 ? (bytes / 1048576).toFixed(1) + " MB" : Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  // ---- uploads: several files, a preview and a type each, sent one by one ------------------------------------
  // One request per file: a weak network loses at most the file in flight, a refused file does not hold back the
  // others, and each file may be as large as one document (the server bounds a request to 20 MB).
  function uploads(form) {
    var input = form.querySelector("input[type=file]");
    var list = document.getElementById("upload-list");
    var status = document.getElementById("upload-status");
    var kinds = form.querySelector("select[name=kind]");
    var button = document.getElementById("upload-button");
    var csrf = form.querySelector("input[name=csrf]").value;
    var pending = [];
    var sent = 0;
    form.querySelector(".upload-kind").hidden = true;  // each file gets its own type instead
    form.querySelector("label[for=file]").textContent = "选择文件或拍照（可多选，可多次添加）";

    function forget(entry) {
      if (entry.url) URL.revokeObjectURL(entry.url);
      entry.item.remove();
      pending.splice(pending.indexOf(entry), 1);
      list.hidden = pending.length === 0;
    }
    function add(file) {
      var entry = { file: file, url: null };
      var item = el("li", { "class": "upload-item" });
      if (/^image\//.test(file.type)) {  // a preview from the tablet's memory: nothing is sent to see it
        entry.url = URL.createObjectURL(file);
        item.appendChild(el("img", { "class": "preview", src: entry.url, alt: "预览：" + file.name }));
      } else {
        item.appendChild(el("span", { "class": "preview pdf", "aria-hidden": "true" }, "PDF"));
      }
      var info = el("div", { "class": "upload-info" });
      info.appendChild(el("span", { "class": "upload-name" }, file.name + "（" + size(file.size) + "）"));
      var select = kinds.cloneNode(true);
      select.removeAttribute("id"); select.removeAttribute("name");
      select.className = "upload-kind-each";
      select.setAttribute("aria-label", file.name + " 的材料类型");
      select.insertBefore(new Option("请选择材料类型", ""), select.firstChild);
      select.value = "";  // chosen for each file on purpose: a wrong type is the commonest wrong upload
      select.addEventListener("change", function () { status.textContent = ""; });
      info.appendChild(select);
      entry.state = el("span", { "class": "upload-state", "aria-live": "polite" });
      info.appendChild(entry.state);
      item.appendChild(info);
      var drop = el("button", { type: "button", "class": "secondary upload-drop" }, "不上传");
      drop.addEventListener("click", function () { forget(entry); });
      item.appendChild(drop);
      entry.item = item; entry.select = select;
      pending.push(entry);
      list.appendChild(item);
      list.hidden = false;
    }
    input.addEventListener("change", function () {
      for (var i = 0; i < input.files.length; i++) add(input.files[i]);
      input.value = "";  // the same button takes the next photo; the files chosen so far are kept in the list
      status.textContent = "";
    });

    function refusal(xhr) {
      var page = xhr.response;
      var alert = page && page.querySelector ? page.querySelector(".alert.bad[role=alert]") : null;
      if (alert && alert.textContent.trim()) return alert.textContent.trim();
      if (xhr.status === 413) return "文件超过20MB，未上传";
      return "上传失败（" + xhr.status + "），请重试";
    }
    function send(entry, done) {
      var data = new FormData();
      data.append("csrf", csrf);
      data.append("kind", entry.select.value);
      data.append("file", entry.file, entry.file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("action"));
      xhr.responseType = "document";
      xhr.upload.addEventListener("progress", function (ev) {
        if (ev.lengthComputable) entry.state.textContent = "正在上传 " + Math.round(ev.loaded * 100 / ev.total) + "%";
      });
      xhr.addEventListener("load", function () {
        // success is the redirect to the application page (303, followed): ?done=uploaded
        done(xhr.status === 200 && /[?&]done=uploaded/.test(xhr.responseURL) ? "" : refusal(xhr));
      });
      xhr.addEventListener("error", function () { done("网络中断，此文件未上传，请重试"); });
      xhr.addEventListener("timeout", function () { done("网络超时，此文件未上传，请重试"); });
      entry.state.textContent = "正在上传…";
      entry.item.classList.remove("failed");
      xhr.send(data);
    }
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (!pending.length) { status.textContent = "请选择要上传的文件"; return; }
      for (var i = 0; i < pending.length; i++) {
        if (!pending[i].select.value) {
          status.textContent = "请为“" + pending[i].file.name + "”选择材料类型";
          pending[i].select.focus();
          return;
        }
      }
      status.textContent = "";
      button.disabled = true;
      var queue = pending.slice(), failed = 0;
      (function next() {
        var entry = queue.shift();
        if (!entry) {
          button.disabled = false;
          if (!failed) { location.assign(location.pathname + "?done=uploaded"); return; }
          status.textContent = failed + "个文件未上传，请按提示处理后再点“上传”" +
            (sent ? "（已上传" + sent + "个，刷新页面即可在“已上传材料”中看到）" : "");
          return;
        }
        send(entry, function (problem) {
          if (problem) { failed += 1; entry.state.textContent = problem; entry.item.classList.add("failed"); }
          else { sent += 1; forget(entry); }
          next();
        });
      })();
    });
  }

  // ---- the dispute type: a pick-list with a search box; 其他 opens the free text ------------------------------
  function disputeTypes(select) {
    var other = document.getElementById("dispute-other");
    var otherValue = select.options[select.options.length - 1].value;
    var search = el("input", { type: "search", id: "dispute-search", placeholder: "输入关键字查找，如“借贷”“租赁”",
                               "aria-label": "查找纠纷类型", autocomplete: "off" });
    select.parentNode.insertBefore(search, select);
    var text = document.getElementById("dispute_type_other"), ownWords = !!text.value;
    function showOther() { other.hidden = select.value !== otherValue; }
    text.addEventListener("input", function () { ownWords = true; });
    // the listed types, kept aside: a search takes the others out of the list (iPad Safari shows hidden options)
    var listed = Array.prototype.slice.call(select.options, 1, select.options.length - 1);
    search.addEventListener("input", function () {
      var words = search.value.trim(), chosen = select.value;
      var matches = listed.filter(function (option) { return !words || option.text.indexOf(words) >= 0; });
      listed.forEach(function (option) { if (option.parentNode) option.remove(); });
      var last = select.options[select.options.length - 1];  // 请选择 and 其他 are always offered
      matches.forEach(function (option) { select.insertBefore(option, last); });
      select.value = chosen;
      if (select.selectedIndex < 0) select.value = "";
      if (words && matches.length === 1) select.value = matches[0].value;
      else if (words && !matches.length) {  // nothing fits: 其他, in the words typed, which the server checks
        select.value = otherValue;
        if (!ownWords) text.value = words;
      }
      select.dispatchEvent(new Event("input", { bubbles: true }));  // the draft is saved on input
      showOther();
    });
    select.addEventListener("change", showOther);
    showOther();
  }

  function bind(root) {
    var form = root.querySelector("#upload-form");
    if (form) uploads(form);
    var dispute = root.querySelector("#dispute_type");
    if (dispute && dispute.tagName === "SELECT") disputeTypes(dispute);
  }
  bind(document);
  // a live page that swapped in its main part (staff.js) asks again for what is bound here
  document.addEventListener("jiudi:parts", function (ev) { bind(ev.detail); });
})();
