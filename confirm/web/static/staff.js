/* Jiudi staff pages: progressive enhancement only — every form works without this file (except signing).
   Live validation mirrors confirm/domain/identity.py and intake.py; the server's 422 field errors stay the truth. */
"use strict";
(function () {
  // ---- the rules, ported from the server --------------------------------------------------------------------
  var ID_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], ID_C = "10X98765432";
  var CC_A = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  var CC_W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  function chinaToday() {  // the court's calendar day (UTC+8), as YYYY-MM-DD
    return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
  }
  function addDays(iso, n) {
    var d = new Date(iso + "T00:00:00Z"); d.setUTCDate(d.getUTCDate() + n); return d.toISOString().slice(0, 10);
  }
  function isRestDay(iso, cal) {  // CPL 85 ¶3 法定休假日, as confirm/law/calendar.py counts them
    if (cal.holidays.indexOf(iso) >= 0) return true;
    var wd = new Date(iso + "T00:00:00Z").getUTCDay();
    return (wd === 0 || wd === 6) && cal.working_days.indexOf(iso) < 0;
  }
  function filingDeadline(iso, cal) {  // CPL 205: day 30 after the agreement took effect, moved past rest days
    var d = addDays(iso, 30);
    while (isRestDay(d, cal)) d = addDays(d, 1);
    return d;
  }
  var rules = {
    id_number: function (v, input) {
      // only the 居民身份证 is checked here; the other documents' formats are the server's (confirm/law/identity.py)
      var fs = input && input.closest("fieldset.party"), type = fs && fs.querySelector("select[name$='.id_type']");
      if (type && type.value !== "resident_id") return "";
      v = v.trim().toUpperCase();
      if (!/^\d{17}[\dX]$/.test(v)) return "公民身份号码应为18位，前17位为数字，最后一位为数字或X";
      var t = 0; for (var i = 0; i < 17; i++) t += (+v[i]) * ID_W[i];
      if (ID_C[t % 11] !== v[17]) return "公民身份号码校验位不正确，请核对号码";
      var y = +v.slice(6, 10), m = +v.slice(10, 12), d = +v.slice(12, 14), b = new Date(Date.UTC(y, m - 1, d));
      if (b.getUTCFullYear() !== y || b.getUTCMonth() !== m - 1 || b.getUTCDate() !== d)
        return "公民身份号码中的出生日期不存在，请核对号码";
      if (v.slice(6, 14) > chinaToday().replace(/-/g, "") || y < 1880) return "公民身份号码中的出生日期不合理，请核对号码";
      return "";
    },
    credit_code: function (v) {
      v = v.trim().toUpperCase();
      if (!new RegExp("^[" + CC_A + "]{18}$").test(v)) return "统一社会信用代码应为18位数字或大写字母（不含I、O、S、V、Z）";
      var t = 0; for (var i = 0; i < 17; i++) t += CC_A.indexOf(v[i]) * CC_W[i];
      if (CC_A[(31 - t % 31) % 31] !== v[17]) return "统一社会信用代码校验位不正确，请核对代码";
      return "";
    },
    dispute_type: function (v) {  // the inadmissible types of templates/texts/admissibility.yaml (Interp. 355)
      var table = document.getElementById("inadmissible-types");
      var refused = table ? JSON.parse(table.textContent)[v.trim()] : "";
      return refused || "";
    },
    phone: function (v) { return /^1\d{10}$/.test(v.trim()) ? "" : "手机号码应为以1开头的11位数字"; },
    amount: function (v) { return /^\d{1,13}(\.\d{1,2})?$/.test(v.trim()) ? "" : "金额应为数字，最多两位小数，例如 12000.00"; },
    concluded_on: function (v) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return "请填写调解协议生效日期";
      var el = document.getElementById("filing-rules");
      var cal = el ? JSON.parse(el.textContent) : {holidays: [], working_days: [], late_applications: "block"};
      var today = chinaToday(), deadline = filingDeadline(v, cal);
      if (v > today) return "调解协议生效日期不能晚于今天";
      if (today <= deadline) return "";
      var late = "已超过申请期限：调解协议自" + v + "生效，应在" + deadline + "前（含当日）申请司法确认";
      if (cal.late_applications === "block") return late;
      return {warn: late + "。仍可提交，由审判员依民事诉讼法第八十六条决定是否准许顺延"};
    }
  };
  window.JiudiRules = rules;

  function showError(input, message) {  // a rule's {warn: text} is shown but does not mark the field invalid
    var warn = message && message.warn ? message.warn : "";
    if (warn) message = "";
    var box = document.getElementById("err-" + input.name);
    if (box) { box.textContent = message || warn; box.classList.toggle("warn", !!warn); }
    input.setAttribute("aria-invalid", message ? "true" : "false");
    var field = input.closest(".field"); if (field) field.classList.toggle("invalid", !!message);
  }
  function check(input) {
    var rule = rules[input.dataset.check], v = input.value;
    // an empty required field is left to the server's answer: flagging it on focusout shifts the layout under
    // the finger that is just tapping the next button
    showError(input, rule && v.trim() ? rule(v, input) : "");
  }

  // ---- the application form: parties, validation, drafts ---------------------------------------------------
  function renumber(form) {
    var sets = form.querySelectorAll("fieldset.party");
    sets.forEach(function (fs, i) {
      fs.dataset.index = i; fs.querySelector(".n").textContent = i + 1;
      fs.querySelectorAll("[name^='parties[']").forEach(function (el) {
        var old = el.name, name = old.replace(/^parties\[\d+\]/, "parties[" + i + "]");
        el.name = name;
        if (el.id) el.id = name;
        var label = fs.querySelector("label[for='" + old + "']"); if (label) label.htmlFor = name;
        var err = fs.querySelector("[data-for='" + old + "']");
        if (err) { err.id = "err-" + name; err.dataset.for = name; el.setAttribute("aria-describedby", "err-" + name); }
      });
      fs.querySelector(".remove-party").hidden = sets.length <= 2;
    });
  }
  function kindSwitch(fs) {
    var org = fs.querySelector("input[value=organization]").checked;
    fs.classList.toggle("is-org", org);
  }
  function saveDraft(form) {
    var data = {}; new FormData(form).forEach(function (v, k) { if (k !== "csrf" && typeof v === "string") data[k] = v; });
    data.__parties = form.querySelectorAll("fieldset.party").length;
    try { localStorage.setItem("jiudi-draft:" + form.dataset.draft, JSON.stringify(data)); } catch (e) { /* full */ }
  }
  function loadDraft(form, addParty) {
    var raw = null; try { raw = localStorage.getItem("jiudi-draft:" + form.dataset.draft); } catch (e) { return; }
    // a server answer with errors, or to one of the form's own steps (添加, 识别), wins over the draft
    if (!raw || form.querySelector(".field.invalid") || form.dataset.fresh) return;
    var data = JSON.parse(raw);
    while (form.querySelectorAll("fieldset.party").length < (data.__parties || 0)) addParty();
    Object.keys(data).forEach(function (k) {
      form.querySelectorAll("[name='" + k.replace(/'/g, "") + "']").forEach(function (el) {
        if (el.type === "radio" || el.type === "checkbox") el.checked = el.value === data[k]; else if (el.type !== "hidden" || k === "idempotency_key") el.value = data[k];
      });
    });
    var note = document.createElement("p"); note.className = "alert ok"; note.setAttribute("role", "status");
    note.textContent = "已恢复本机保存的草稿。"; form.prepend(note);
  }
  // Drafts are kept per user ("jiudi-draft:<username>:…") and all removed at sign-out: a shared tablet shows no one
  // another's parties.
  document.querySelectorAll("form[action='/logout']").forEach(function (f) {
    f.addEventListener("submit", function () {
      try {
        for (var i = localStorage.length - 1; i >= 0; i--) {
          var k = localStorage.key(i); if (k && k.indexOf("jiudi-draft:") === 0) localStorage.removeItem(k);
        }
      } catch (e) { /* private mode */ }
    });
  });
  document.querySelectorAll("[data-clear-draft]").forEach(function (el) {  // the server has the application now
    try { localStorage.removeItem("jiudi-draft:" + el.dataset.clearDraft); } catch (e) { /* ignore */ }
  });
  var form = document.getElementById("application-form");
  if (form) {
    var container = document.getElementById("parties");
    var addParty = function () {
      var sets = container.querySelectorAll("fieldset.party"), copy = sets[sets.length - 1].cloneNode(true);
      copy.querySelectorAll("input").forEach(function (el) {
        if (el.type === "radio") el.checked = el.value === "person";
        else if (el.type === "checkbox") el.checked = false; else el.value = "";
        el.removeAttribute("aria-invalid");
      });
      copy.querySelectorAll("select").forEach(function (el) { el.selectedIndex = 0; });
      copy.querySelectorAll(".field-error").forEach(function (e) { e.textContent = ""; });
      copy.querySelectorAll(".field.invalid").forEach(function (e) { e.classList.remove("invalid"); });
      container.appendChild(copy); renumber(form); kindSwitch(copy);
      return copy;
    };
    document.getElementById("add-party").addEventListener("click", function (ev) {
      ev.preventDefault(); var fs = addParty(); fs.querySelector("input[type=text]").focus(); saveDraft(form);
    });
    container.addEventListener("click", function (ev) {
      if (!ev.target.classList.contains("remove-party")) return;
      ev.target.closest("fieldset.party").remove(); renumber(form); saveDraft(form);
    });
    container.addEventListener("change", function (ev) {
      if (ev.target.type === "radio") kindSwitch(ev.target.closest("fieldset.party"));
    });
    // A field without a live rule loses the server's error as it is corrected, not when the focus leaves it: that
    // would move the save button from under the finger tapping it (the click then lands on nothing).
    form.addEventListener("input", function (ev) {
      if (ev.target.dataset.check) check(ev.target); else if (ev.target.name) showError(ev.target, "");
      saveDraft(form);
    });
    form.addEventListener("focusout", function (ev) { if (ev.target.matches("input,textarea") && ev.target.dataset.check) check(ev.target); });
    loadDraft(form, addParty);
    renumber(form);
    container.querySelectorAll("fieldset.party").forEach(kindSwitch);
    form.addEventListener("submit", function (ev) {
      if (ev.submitter && ev.submitter.value !== "save") return;  // 添加, 删除, 识别: the server shows the form again
      saveDraft(form);
      // post with fetch so that a dropped connection keeps the page and the same Idempotency-Key for a retry
      ev.preventDefault();
      var button = ev.submitter; if (button) button.disabled = true;
      var body = new FormData(form); body.set("action", "save");
      // getAttribute: form.action would be the submit buttons named "action", not the URL
      fetch(form.getAttribute("action") || location.pathname, { method: "POST", body: body, credentials: "same-origin" }).then(function (r) {
        if (r.redirected && /\/m\/a\//.test(r.url)) {
          try { localStorage.removeItem("jiudi-draft:" + form.dataset.draft); } catch (e) { /* ignore */ }
          location.href = r.url; return;
        }
        form.submit();  // the server answered with field errors: let it render them (same key, nothing stored)
      }).catch(function () {
        if (button) button.disabled = false;
        var n = document.createElement("p"); n.className = "alert bad"; n.setAttribute("role", "alert");
        n.textContent = "网络连接中断，草稿已保存在本机。恢复网络后再次点击“保存并继续”即可（不会重复提交）。";
        form.prepend(n);
      });
    });
  }

  // ---- signature pads ---------------------------------------------------------------------------------------
  function setupPad(pad) {
    var canvas = pad.querySelector("canvas"), ctx = canvas.getContext("2d"), drawing = false, last = null;
    pad.signed = false;
    ctx.lineWidth = 4; ctx.lineCap = "round"; ctx.strokeStyle = "#000";
    function pos(ev) {
      var r = canvas.getBoundingClientRect();
      return [(ev.clientX - r.left) * canvas.width / r.width, (ev.clientY - r.top) * canvas.height / r.height];
    }
    canvas.addEventListener("pointerdown", function (ev) {
      drawing = true; last = pos(ev); canvas.setPointerCapture(ev.pointerId);
      edited = true;  // a signature is unsaved input: a live update must not wipe it (see the live events below)
    });
    canvas.addEventListener("pointermove", function (ev) {
      if (!drawing) return; var p = pos(ev);
      ctx.beginPath(); ctx.moveTo(last[0], last[1]); ctx.lineTo(p[0], p[1]); ctx.stroke(); last = p; pad.signed = true;
    });
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (t) { canvas.addEventListener(t, function () { drawing = false; }); });
    pad.querySelector(".clear-pad").addEventListener("click", function () {
      ctx.clearRect(0, 0, canvas.width, canvas.height); pad.signed = false;
    });
  }

  function padError(form, text) {
    var n = form.querySelector(".pad-error");
    if (!n) { n = document.createElement("p"); n.className = "alert bad pad-error"; n.setAttribute("role", "alert"); form.prepend(n); }
    n.textContent = text;
  }

  // ---- the parts of a page this script binds: at load, and again when a live page swaps in its main part ------
  function bindParts(root) {
    // A button that asks before an irreversible step (data-confirm): no inline handler, so CSP script-src 'self' holds.
    root.querySelectorAll("button[data-confirm]").forEach(function (b) {
      b.addEventListener("click", function (ev) { if (!window.confirm(b.dataset.confirm)) ev.preventDefault(); });
    });
    root.querySelectorAll(".pad").forEach(setupPad);
    var joint = root.querySelector("#joint-form");
    if (joint) joint.addEventListener("submit", function (ev) {
      var pads = joint.querySelectorAll(".pad");
      for (var i = 0; i < pads.length; i++) if (!pads[i].signed) { ev.preventDefault(); padError(joint, "请" + pads[i].dataset.name + "在签名区签名"); return; }
      // one honest page: the title, what is applied for, then each party's own signature and the time
      var w = 1240, lines = joint.dataset.lines.split("|"), h = 260 + lines.length * 44 + pads.length * 230;
      var page = document.createElement("canvas"); page.width = w; page.height = h;
      var c = page.getContext("2d"); c.fillStyle = "#fff"; c.fillRect(0, 0, w, h); c.fillStyle = "#000";
      c.font = "bold 44px sans-serif"; c.textAlign = "center"; c.fillText(joint.dataset.title, w / 2, 80);
      c.textAlign = "left"; c.font = "30px sans-serif";
      var y = 150; lines.forEach(function (l) { c.fillText(l, 80, y); y += 44; });
      c.fillText("签名时间：" + new Date().toLocaleString("zh-CN", { timeZone: "Asia/Shanghai" }), 80, y); y += 70;
      pads.forEach(function (pad) {
        c.fillText("申请人 " + pad.dataset.name + " 签名：", 80, y);
        c.drawImage(pad.querySelector("canvas"), 80, y + 10, 600, 200); y += 230;
      });
      joint.querySelector("[name=signed_png]").value = page.toDataURL("image/png");
    });
    var service = root.querySelector("#service-form");
    if (service) service.querySelectorAll("select[data-method]").forEach(function (method) {
      // in person: the recipient signs on the pad; electronically: the address the recipient confirmed
      var fs = method.closest("fieldset"), show = function () {
        fs.querySelectorAll("[data-when]").forEach(function (part) { part.hidden = part.dataset.when !== method.value; });
      };
      method.addEventListener("change", show); show();
    });
    // 留置送达: the photo of the leaving is read into its hidden field, as a signature pad's image is
    if (service) service.querySelectorAll("input[data-photo]").forEach(function (input) {
      input.addEventListener("change", function () {
        var target = service.querySelector("[name='" + input.dataset.photo + "']"), file = input.files[0];
        target.value = "";
        if (!file) return;
        var reader = new FileReader();
        reader.onload = function () { target.value = reader.result; };
        reader.readAsDataURL(file);
      });
    });
    if (service) service.addEventListener("submit", function (ev) {
      var pads = service.querySelectorAll(".pad");
      for (var i = 0; i < pads.length; i++) {
        var fs = pads[i].closest("fieldset"), chosen = fs.querySelector("input[type=checkbox]").checked;
        var inPerson = fs.querySelector("select[data-method]").value === "in_person";
        if (chosen && inPerson && !pads[i].signed) { ev.preventDefault(); padError(service, "请受送达人在签名区签收"); return; }
        service.querySelector("[name='" + pads[i].dataset.pad + "']").value = inPerson && pads[i].signed ? pads[i].querySelector("canvas").toDataURL("image/png") : "";
      }
    });
    // printing the ruling: open the PDF (its own A4 page size) and print it
    root.querySelectorAll("[data-print]").forEach(function (b) {
      b.addEventListener("click", function () {
        var f = document.createElement("iframe"); f.style.display = "none"; f.src = b.dataset.print;
        f.onload = function () { try { f.contentWindow.print(); } catch (e) { window.open(b.dataset.print); } };
        document.body.appendChild(f);
      });
    });
  }
  bindParts(document);

  // ---- a refused form: the first field in error has the focus ---------------------------------------------
  var invalid = document.querySelector(".field.invalid input, .field.invalid textarea, .field.invalid select");
  if (invalid) invalid.focus();

  // ---- the decision form: only the chosen outcome's grounds are shown ---------------------------------------
  function initDecision() {
    var decision = document.getElementById("decision-form");
    if (!decision) return;
    var showGrounds = function () {
      var chosen = decision.querySelector("input[name=outcome]:checked");
      decision.querySelectorAll("fieldset.grounds").forEach(function (fs) {
        fs.hidden = !chosen || fs.dataset.outcome !== chosen.value;
      });
      // the verification and the waivers only where the chosen outcome's ruling states them
      decision.querySelectorAll("fieldset[data-outcomes]").forEach(function (fs) {
        fs.hidden = !chosen || fs.dataset.outcomes.split(" ").indexOf(chosen.value) < 0;
      });
    };
    decision.addEventListener("change", showGrounds); showGrounds();
  }
  // 现在 / 同调解地点: the judge or the mediator says the verification or the service takes place now, or there
  // (a recorded act, never a form default)
  var chinaMinute = function () { return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 16); };
  // A time field's max (no later than now) was the page's own minute: a page left open, or a minute turning over
  // before 现在 is pressed, must not make the browser refuse the present time. The server still refuses the future.
  var freshMax = function (input) { if (input.type === "datetime-local" && input.max) input.max = chinaMinute(); };
  document.addEventListener("focusin", function (ev) { if (ev.target.matches && ev.target.matches("input[max]")) freshMax(ev.target); });
  document.addEventListener("click", function (ev) {
    var b = ev.target.closest && ev.target.closest("[data-now], [data-fill]");
    if (!b) return;
    var input = document.getElementById(b.dataset.now || b.dataset.fill);
    if (!input) return;
    if (b.dataset.now) freshMax(input);
    input.value = b.dataset.now ? chinaMinute() : b.dataset.value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  });
  initDecision();

  // ---- the review page: the documents beside the typed text, one at a time -----------------------------------
  function initDocTabs() {
    var tabs = Array.prototype.slice.call(document.querySelectorAll(".doc-tab"));
    var show = function (tab, focus) {
      tabs.forEach(function (t) {
        var on = t === tab; t.setAttribute("aria-selected", String(on)); t.tabIndex = on ? 0 : -1;
        document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
      });
      if (focus) tab.focus();
    };
    tabs.forEach(function (t, i) {
      t.addEventListener("click", function () { show(t, false); });
      t.addEventListener("keydown", function (ev) {
        var step = ev.key === "ArrowRight" ? 1 : ev.key === "ArrowLeft" ? -1 : 0;
        if (step) { ev.preventDefault(); show(tabs[(i + step + tabs.length) % tabs.length], true); }
      });
    });
    return function (step) {  // [ and ]: the previous / next document
      var at = tabs.findIndex(function (t) { return t.getAttribute("aria-selected") === "true"; });
      if (tabs.length) show(tabs[(at + step + tabs.length) % tabs.length], false);
    };
  }
  var switchDoc = initDocTabs();


  // ---- live events (EventSource on /api/v1/events, session cookie) ------------------------------------------
  var audio = null, sound = false;
  function beep() {
    if (!sound) return;
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var o = audio.createOscillator(), g = audio.createGain(); o.frequency.value = 880; o.connect(g); g.connect(audio.destination);
      g.gain.setValueAtTime(0.2, audio.currentTime); g.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
      o.start(); o.stop(audio.currentTime + 0.4);
    } catch (e) { /* no audio */ }
  }
  // The choice is remembered on this computer. Browsers let a page play sound only after a click or key press
  // on it, so a remembered "on" unlocks the audio at the first one.
  var toggle = document.getElementById("sound-toggle");
  var showSound = function () {
    toggle.setAttribute("aria-pressed", String(sound)); toggle.textContent = sound ? "关闭提示音" : "开启提示音";
  };
  if (toggle) {
    try { sound = localStorage.getItem("jiudi-sound") === "1"; } catch (e) { sound = false; }
    showSound();
    var unlock = function () {
      if (!sound) return;
      try { audio = audio || new (window.AudioContext || window.webkitAudioContext)(); if (audio.state === "suspended") audio.resume(); } catch (e) { /* no audio */ }
    };
    document.addEventListener("pointerdown", unlock, { once: true });
    document.addEventListener("keydown", unlock, { once: true });
    toggle.addEventListener("click", function () {
      sound = !sound; showSound();
      try { localStorage.setItem("jiudi-sound", sound ? "1" : "0"); } catch (e) { /* private mode */ }
      if (sound) beep();
    });
  }
  // The stream resumes from the newest event when the page was requested (data-events ?last_event_id=), so an
  // event sent while the page was loading is not missed. While a seal is being made the page also reloads after a
  // few seconds (data-poll): PostgreSQL may commit an event with an older id after a newer one.
  // A live refresh drops the one-time notice in the query (?done=submitted): it told of an earlier state.
  // Never while this page is submitting a form: the event may be the echo of that very submission, and
  // navigating now would abort it.
  var leaving = false;
  document.addEventListener("submit", function (ev) {
    var target = (ev.submitter && ev.submitter.getAttribute("formtarget")) || ev.target.getAttribute("target");
    if (!ev.defaultPrevented && target !== "_blank") leaving = true;  // a preview in a new tab stays here
  });
  window.addEventListener("pagehide", function () { leaving = true; });
  // Nor once the user has followed a link here (下一件, 返回队列): a reload now would cancel where they are going.
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest("a[href]");
    if (a && !ev.defaultPrevented && a.target !== "_blank" && !a.hasAttribute("download")
        && a.getAttribute("href").charAt(0) !== "#") leaving = true;
  });
  // Nor while the user has typed into a form here (a reason, a decision): a reload would throw it away. The page
  // says that there is news instead, and reloads when asked.
  var edited = false;
  document.addEventListener("input", function (ev) {
    if (ev.target.closest && ev.target.closest("form")) edited = true;
  });
  var announceNews = function () {
    if (document.getElementById("news")) return;
    var news = document.createElement("p");
    news.id = "news"; news.className = "alert ok"; news.setAttribute("role", "status");
    news.textContent = "本案有新情况。";
    var again = document.createElement("button");
    again.type = "button"; again.className = "secondary"; again.textContent = "刷新查看（未提交的内容将丢失）";
    again.addEventListener("click", function () { edited = false; refresh(); });
    news.appendChild(again);
    var main = document.querySelector("main"); if (main) main.insertBefore(news, main.firstChild);
  };
  var refresh = function () {
    if (leaving) return;
    if (edited) { announceNews(); return; }
    var url = new URL(location.href); url.searchParams.delete("done"); url.searchParams.delete("created");
    if (live && live.dataset.swapMain && window.fetch && window.DOMParser) swapMain(url.toString());
    else if (document.getElementById("review-side") && window.fetch && window.DOMParser) swapReview(url.toString());
    else location.replace(url.toString());
  };
  var polling = null;
  var armPoll = function (root) {  // at load, and again on each swapped-in main part that still shows a seal under way
    if (polling) { clearTimeout(polling); polling = null; }
    var poll = root.querySelector("[data-poll]");
    if (poll) polling = setTimeout(refresh, Number(poll.dataset.poll) || 5000);
  };
  armPoll(document);
  var live = document.querySelector("[data-events]"), es = null, swapping = false, awaiting = null;
  // The page asked for again, its answer handed to apply once fits says it is this page (one at a time: the fresh
  // page's stream replays whatever came meanwhile). Typed text is never thrown away; a lost network keeps the page
  // as it is and asks again a few seconds later (a reload would show the browser's offline page); a redirect (to the
  // sign-in page), an error or another page falls back to the plain reload.
  var fetchPage = function (url, fits, apply) {
    if (swapping) return;
    swapping = true;
    if (awaiting) { clearTimeout(awaiting); awaiting = null; }
    if (polling) { clearTimeout(polling); polling = null; }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } }).catch(function () {
      return null;  // no network
    }).then(function (r) {
      if (r === null) { swapping = false; if (!leaving) polling = setTimeout(refresh, 5000); return; }
      if (!r.ok || r.redirected) throw new Error("not this page");
      return r.text().then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        if (!fits(doc)) throw new Error("not this page");
        swapping = false;
        if (leaving) return;
        if (edited) { announceNews(); return; }  // typed or signed meanwhile: nothing is thrown away
        apply(doc);
      });
    }).catch(function () {
      swapping = false;
      if (leaving) return;
      if (edited) { announceNews(); return; }
      location.replace(url);
    });
  };
  // The mediator's case page takes its new state without a reload (data-swap-main): the fresh page's main part
  // replaces this one's, so the tablet neither loads its styles and scripts again nor goes blank while the ruling
  // arrives. The live stream resumes from the newest event the fresh page had seen.
  var swapMain = function (url) {
    var status = live.dataset.status;
    fetchPage(url, function (doc) {
      var fresh = doc.querySelector("main");
      return document.querySelector("main") && fresh && fresh.querySelector("#live");
    }, function (doc) {
      var fresh = doc.querySelector("main"), main = document.querySelector("main"), freshLive = fresh.querySelector("#live");
      var focusWasHere = main.contains(document.activeElement);
      fresh = document.adoptNode(fresh);
      main.replaceWith(fresh);
      document.title = doc.title;
      history.replaceState(null, "", url);  // the one-time notice (?done=) is gone from the fresh page too
      live = freshLive;
      bindParts(fresh); initDecision(); switchDoc = initDocTabs(); armPoll(fresh);
      document.dispatchEvent(new CustomEvent("jiudi:parts", { detail: fresh }));  // the other scripts bind theirs
      if (window.EventSource) connect();
      // what a reload gave: the news read out and in view (the ruling's heading, else the page's)
      if (focusWasHere || status !== live.dataset.status) {
        var heading = fresh.querySelector("#ruling-h") || fresh.querySelector("h1");
        if (heading) { heading.tabIndex = -1; heading.focus(); }
      }
    });
  };
  // The judge's review page keeps the open documents (their PDFs need not load again, the chosen tab and the place
  // in it stay): only the header, the last look before the seal and the right-hand side change, with the page's
  // notice and live stream's state. Used when the case is claimed, when the judge seals (盖章出具) and when the live
  // stream brings news of the case (its sealed ruling).
  var swapReviewParts = function (doc, url) {
    var focusWas = document.activeElement, fresh = [];
    ["#review-head", "#decision-summary", "#review-side"].forEach(function (sel) {
      var a = document.querySelector(sel), b = doc.querySelector(sel);
      if (a && b) { b = document.adoptNode(b); a.replaceWith(b); fresh.push(b); bindParts(b); }
      else if (a) a.remove();  // not on the fresh page: the last look, once the ruling is decided
    });
    var freshLive = doc.querySelector("#live");
    if (live && freshLive) { live.dataset.events = freshLive.dataset.events; live.dataset.status = freshLive.dataset.status; }
    var alert = doc.querySelector("main > .alert"), main = document.querySelector("main");
    document.querySelectorAll("main > .alert").forEach(function (n) { n.remove(); });
    if (alert && main) main.insertBefore(document.adoptNode(alert), main.firstChild);
    document.title = doc.title;
    history.replaceState(null, "", url);
    swapping = false;
    if (live && window.EventSource) connect();
    initDecision(); armPoll(document);
    // the focus was in a part that is gone (or nowhere): where a load of the fresh page would put it (下一件)
    if (!focusWas || focusWas === document.body || !document.contains(focusWas)) {
      var auto = null;
      fresh.forEach(function (part) { auto = auto || part.querySelector("[autofocus]"); });
      if (auto) auto.focus();
    }
  };
  var swapReview = function (url) {
    fetchPage(url, function (doc) { return doc.querySelector("#review-side") && doc.querySelector("#review-head"); },
              function (doc) { swapReviewParts(doc, url); });
  };
  var refreshQueue = function (announce) {
    fetch(live.dataset.fragment, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
      var before = {}; live.querySelectorAll("tr[data-id]").forEach(function (tr) { before[tr.dataset.id] = tr.classList.contains("arrived") ? 2 : 1; });
      live.innerHTML = html;
      var fresh = 0;
      live.querySelectorAll("tr[data-id]").forEach(function (tr) {
        if (!before[tr.dataset.id]) { tr.classList.add("arrived"); fresh++; }
        else if (before[tr.dataset.id] === 2) tr.classList.add("arrived");  // still new: a later refresh keeps the mark
      });
      if (fresh && announce) {
        document.getElementById("live-state").textContent = "新到 " + fresh + " 件申请（" + new Date().toLocaleTimeString("zh-CN", { timeZone: "Asia/Shanghai" }) + "）";
        document.title = "（新）审查队列 · 就地"; beep();
      }
    });
  };
  var handle = function (ev) {
    var data = {}; try { data = JSON.parse(ev.data); } catch (e) { return; }
    if (live.dataset.fragment) refreshQueue(ev.type === "application.submitted" || ev.type === "application.released");
    else if (swapping) return;  // the page being fetched already shows it
    else if (live.dataset.reload || (live.dataset.app && data.application_id === live.dataset.app)) {
      // On the mediator's case page a decision is followed by its sealed ruling within a moment: wait for that
      // (one reload, straight to 打开裁定书) rather than reload twice; the reload still comes if the seal is slow.
      if (ev.type === "application.decided" && live.dataset.awaitRuling) { if (!awaiting) awaiting = setTimeout(refresh, 3000); return; }
      refresh();
    }
  };
  var connect = function () {
    if (es) es.close();
    live.dataset.connected = "";
    es = new EventSource(live.dataset.events);
    window.jiudiEvents = es;
    ["application.submitted", "application.claimed", "application.released", "application.returned",
     "application.withdrawn", "application.decided", "ruling.issued", "application.served",
     "application.service_voided", "ruling.revoked", "application.accepted", "party.confirmed", "party.declined", "party.locked", "application.service_recorded",
     "message"].forEach(function (t) {
      es.addEventListener(t, handle);
    });
    es.onopen = function () { live.dataset.connected = "1"; };
  };
  if (live && window.EventSource) connect();

  // ---- claiming and sealing without a reload: the documents stay open, only the case's state and the form change
  // The answer is the page after the claim (or the decision); its parts of #review replace this one's, and the live
  // stream resumes from the newest event that page had seen. Anything unexpected falls back to the plain form post.
  document.addEventListener("submit", function (ev) {
    var form = ev.target, target = form.dataset && form.dataset.swap;
    if (!target || !window.fetch || !window.DOMParser) return;
    ev.preventDefault();
    leaving = false;  // (the listener above took this for a navigation)
    swapping = true;
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; if (button.dataset.busy) button.textContent = button.dataset.busy; }  // 正在盖章……
    fetch(form.getAttribute("action"), { method: "POST", body: new FormData(form), credentials: "same-origin" }).then(function (r) {
      return r.text().then(function (html) { return { ok: r.ok && r.redirected, redirected: r.redirected, html: html, url: r.url }; });
    }).then(function (answer) {
      var doc = new DOMParser().parseFromString(answer.html, "text/html");
      if (!answer.ok || !doc.querySelector(target) || !document.querySelector(target)) {
        swapping = false;
        // redirected: the post was answered (done, or to the sign-in page) and is not sent again (a seal is not
        // to be posted twice); its page is loaded instead. Anything else: the plain form post.
        if (answer.redirected) location.assign(answer.url); else form.submit();
        return;
      }
      // the page the answer is (the decision's page was its POST's address: a reload there would not be this page)
      swapReviewParts(doc, new URL(answer.url).pathname);
      var first = document.querySelector("#decision-form input[name=outcome]"); if (first) first.focus();
    }).catch(function () { swapping = false; form.submit(); });
  });

  // ---- keyboard shortcuts for the common path (never while typing in a field) -------------------------------
  var help = document.getElementById("shortcut-help");
  document.addEventListener("click", function (ev) {
    if (ev.target.id === "shortcut-help-toggle" && help) {
      help.hidden = !help.hidden; ev.target.setAttribute("aria-expanded", String(!help.hidden));
    }
  });
  document.addEventListener("keydown", function (ev) {
    var inField = ev.target.matches && ev.target.matches("input:not([type=radio]):not([type=checkbox]), textarea, select, [contenteditable]");
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {  // 作出裁定 from anywhere in the decision form
      var decide = document.querySelector("[data-key='ctrl+enter']");
      if (decide && ev.target.closest && ev.target.closest("#decision-form")) { ev.preventDefault(); decide.click(); }
      return;
    }
    if (inField || ev.ctrlKey || ev.metaKey || ev.altKey || ev.isComposing) return;
    if (ev.key === "?" && help) { help.hidden = !help.hidden; return; }
    if (ev.key === "[" || ev.key === "]") { switchDoc(ev.key === "]" ? 1 : -1); return; }
    var el = document.querySelector("[data-key='" + ev.key.toLowerCase().replace(/'/g, "") + "']");
    if (!el || el.closest("[hidden]")) return;
    ev.preventDefault();
    if (el.type === "radio") {  // an outcome: chosen, then on to the first field it needs
      el.checked = true; el.dispatchEvent(new Event("change", { bubbles: true }));
      var next = el.form.querySelector("fieldset:not([hidden]):not(:first-of-type) input, fieldset:not([hidden]) select");
      (next || el).focus();
    } else {
      el.click();
    }
  });
})();
