// Search-as-you-type for a person field (the asset form's "assigned to"). Progressive
// enhancement only: without this file the field is a text field for the employee id or
// username, which the server checks. With it, the person types a name, an id or a
// department and picks from the matches the server sends (at most a small page of them).
//
// The ARIA combobox pattern with a listbox popup: the label names the field the person types
// into, arrow keys move through the matches, Enter picks, Escape closes the list, and a
// polite status region says how many were found.
(function () {
  "use strict";
  var DELAY_MS = 200;
  var MIN_CHARACTERS = 2;

  function enhance(original) {
    var texts = original.dataset;
    var id = original.id;
    var wrapper = document.createElement("div");
    var box = document.createElement("input");
    var list = document.createElement("ul");
    var status = document.createElement("div");
    var results = [];
    var active = -1;
    var timer = null;
    var asked = 0;

    // The visible field takes over the id, so the page's <label for> names it; the original
    // becomes hidden and still sends what the server reads: the person's id.
    original.id = id + "_value";
    original.type = "hidden";
    box.type = "text";
    box.id = id;
    box.className = "person-search-input";
    box.setAttribute("role", "combobox");
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-expanded", "false");
    box.setAttribute("aria-controls", id + "_listbox");
    box.setAttribute("autocomplete", "off");
    box.setAttribute("spellcheck", "false");
    ["aria-describedby", "aria-invalid", "required"].forEach(function (name) {
      if (original.hasAttribute(name)) {
        box.setAttribute(name, original.getAttribute(name));
      }
    });
    list.id = id + "_listbox";
    list.className = "person-search-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    wrapper.className = "person-search";
    original.parentNode.insertBefore(wrapper, original);
    wrapper.appendChild(box);
    wrapper.appendChild(list);
    wrapper.appendChild(status);

    var value = original.value.trim();
    var shown = texts.labelId && value.toLowerCase() === texts.labelId.toLowerCase();
    box.value = shown ? texts.label : value;

    function close() {
      list.hidden = true;
      box.setAttribute("aria-expanded", "false");
      box.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function open() {
      list.hidden = false;
      box.setAttribute("aria-expanded", "true");
    }

    function found(count, more) {
      var text = count === 0 ? texts.noneFound
        : count === 1 ? texts.oneFound
          : texts.manyFound.replace("{count}", String(count));
      return more ? text + " " + texts.moreFound : text;
    }

    function show(answer) {
      results = answer.results;
      list.textContent = "";
      results.forEach(function (person, index) {
        var option = document.createElement("li");
        var name = document.createElement("span");
        var about = document.createElement("span");
        option.id = id + "_option_" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        name.className = "person-name";
        name.textContent = person.name || person.id;
        about.className = "person-about";
        about.textContent = person.department + " · " + person.id;
        option.appendChild(name);
        option.appendChild(about);
        // mousedown, not click: it comes before the field loses focus and closes the list.
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          pick(index);
        });
        list.appendChild(option);
      });
      active = -1;
      box.removeAttribute("aria-activedescendant");
      status.textContent = found(results.length, answer.more);
      if (results.length) {
        open();
      } else {
        close();
      }
    }

    function ask(text) {
      var mine = ++asked;
      var url = texts.personSearch + "?q=" + encodeURIComponent(text);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.json();
        })
        .then(function (answer) {
          if (mine === asked) {
            show(answer);
          }
        })
        .catch(function () {
          if (mine === asked) {
            close();
            status.textContent = texts.failed;
          }
        });
    }

    function move(step) {
      if (!results.length) {
        return;
      }
      open();
      var options = list.children;
      if (active >= 0) {
        options[active].setAttribute("aria-selected", "false");
      }
      active = (active + step + results.length) % results.length;
      options[active].setAttribute("aria-selected", "true");
      box.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    }

    function pick(index) {
      var person = results[index];
      original.value = person.id;
      box.value = person.label;
      close();
      status.textContent = person.label + ", " + person.department;
    }

    box.addEventListener("input", function () {
      var text = box.value.trim();
      // Until someone is picked, what is typed is what is sent: an exact id still works.
      original.value = text;
      window.clearTimeout(timer);
      if (text.length < MIN_CHARACTERS) {
        asked++;
        results = [];
        close();
        return;
      }
      timer = window.setTimeout(function () { ask(text); }, DELAY_MS);
    });

    box.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "Down") {
        event.preventDefault();
        move(1);
      } else if (event.key === "ArrowUp" || event.key === "Up") {
        event.preventDefault();
        move(-1);
      } else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault();  // pick the person; do not send the form yet
        pick(active);
      } else if ((event.key === "Escape" || event.key === "Esc") && !list.hidden) {
        event.preventDefault();
        close();
      }
    });

    box.addEventListener("blur", close);
  }

  function start() {
    document.querySelectorAll("input[data-person-search]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
