/* Jiudi mediator pages on a tablet (issue 14, item 5): the dispute-type pick-list.
   Progressive enhancement only: without this file the pick-list is a plain <select> with a text field for 其他.
   The server's answers stay the truth. */
"use strict";
(function () {
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
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
    search.addEventListener("input", function () {
      var words = search.value.trim(), matches = [];
      for (var i = 1; i < select.options.length - 1; i++) {  // 请选择 and 其他 are always offered
        var option = select.options[i], hit = !words || option.text.indexOf(words) >= 0;
        option.hidden = !hit;
        if (hit) matches.push(option);
      }
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

  var dispute = document.getElementById("dispute_type");
  if (dispute && dispute.tagName === "SELECT") disputeTypes(dispute);
})();
