// Typeahead pickers (core/widgets.py): a select of the current choice(s), or a text box taking a
// key, becomes an ARIA combobox whose listbox is fed by the workspace's search endpoint. The form
// still submits the same field name and values; without this script the control works as it is.
"use strict";

(() => {
  const DEBOUNCE_MS = 150;
  const LIMIT = 8;
  let counter = 0;

  function searchUrl() {
    const match = window.location.pathname.match(/^\/w\/([^/]+)\//);
    return match ? `/w/${match[1]}/search/` : null;
  }

  // Initials for an avatar: the last two characters of a Chinese name (as DingTalk shows them),
  // else the first letters of the first two words.
  function initials(name) {
    const text = (name || "").trim();
    if (/[\u3400-\u9fff]/.test(text)) return text.replace(/\s+/g, "").slice(-2);
    return text.split(/\s+/).slice(0, 2).map((word) => word.charAt(0).toUpperCase()).join("");
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function resultLabel(result) {
    return result.key ? `${result.key} ${result.title}` : result.title;
  }

  class Picker {
    constructor(control) {
      this.control = control;
      this.mode = control.dataset.picker; // "select" or "key"
      this.multiple = this.mode === "select" && control.multiple;
      this.local = "pickerLocal" in control.dataset;
      this.types = control.dataset.pickerTypes || "";
      this.strings = {
        empty: control.dataset.pickerEmpty || "",
        searching: control.dataset.pickerSearching || "",
        remove: control.dataset.pickerRemove || "",
        results: control.dataset.pickerResults || "",
        placeholder: control.dataset.pickerPlaceholder || "",
      };
      this.results = [];
      this.active = -1;
      this.timer = null;
      this.request = null;
      this.root = control.closest(".picker") || control.parentElement;
      this.build();
    }

    build() {
      const id = this.control.id || `picker-${++counter}`;
      if (this.mode === "key") {
        this.input = this.control;
        this.input.id = id;
      } else {
        // The visible input takes the select's id, so the field's <label> names and focuses it.
        this.control.id = `${id}-value`;
        this.control.hidden = true;
        this.control.tabIndex = -1;
        this.input = element("input", "picker-input");
        this.input.type = "text";
        this.input.id = id;
        for (const name of ["aria-describedby", "aria-invalid", "required"]) {
          if (this.control.hasAttribute(name)) this.input.setAttribute(name, this.control.getAttribute(name));
        }
        // A hidden invalid control would block the submit without a word; the input says it instead.
        this.control.required = false;
        if (this.multiple) {
          this.chips = element("ul", "picker-chips");
          this.root.insertBefore(this.chips, this.control);
        }
        this.root.insertBefore(this.input, this.control);
        this.input.placeholder = this.strings.placeholder;
      }
      this.list = element("ul", "picker-list");
      this.list.id = `${id}-listbox`;
      this.list.setAttribute("role", "listbox");
      const label = document.querySelector(`label[for="${id}"]`);
      if (label) {
        label.id = label.id || `${id}-label`;
        this.list.setAttribute("aria-labelledby", label.id);
      }
      this.status = element("span", "visually-hidden");
      this.status.setAttribute("role", "status");
      // The listbox is in the page only while open: closed, it would be a second thing with the label.
      this.root.append(this.status);
      this.root.classList.add("picker-ready");

      const input = this.input;
      input.setAttribute("role", "combobox");
      input.setAttribute("aria-autocomplete", "list");
      input.setAttribute("aria-expanded", "false");
      input.autocomplete = "off";
      input.addEventListener("input", () => this.schedule());
      // A local picker's few options show on a click, as a select's would.
      input.addEventListener("click", () => { if (this.local && !this.list.isConnected) this.schedule({ all: true }); });
      input.addEventListener("keydown", (event) => this.keydown(event));
      input.addEventListener("focus", () => { if (this.mode === "select" && !this.multiple) input.select(); });
      input.addEventListener("blur", () => window.setTimeout(() => this.blurred(), 0));
      // A press on an option must not take the focus from the input before its click chooses it.
      this.list.addEventListener("mousedown", (event) => event.preventDefault());
      this.list.addEventListener("click", (event) => {
        const option = event.target.closest(".picker-option");
        if (option) this.choose(Number(option.dataset.index));
      });
      this.showCurrent();
    }

    // --- The current choice(s) -----------------------------------------------------------------

    chosenOptions() {
      return Array.from(this.control.options).filter((o) => o.selected && o.value !== "");
    }

    showCurrent() {
      if (this.mode !== "select") return;
      if (!this.multiple) {
        const chosen = this.chosenOptions()[0];
        this.input.value = chosen ? chosen.textContent.trim() : "";
        return;
      }
      this.chips.replaceChildren();
      for (const option of this.chosenOptions()) {
        const chip = element("li", "picker-chip");
        const name = option.textContent.trim();
        chip.append(element("span", "picker-chip-label", name));
        const remove = element("button", "picker-chip-remove", "×");
        remove.type = "button";
        remove.setAttribute("aria-label", `${this.strings.remove} ${name}`);
        remove.addEventListener("click", () => {
          this.unselect(option.value);
          this.input.focus();
        });
        chip.append(remove);
        this.chips.append(chip);
      }
    }

    unselect(value) {
      for (const option of Array.from(this.control.options)) {
        if (option.value === value) option.remove();
      }
      this.changed();
    }

    changed() {
      this.showCurrent();
      this.control.dispatchEvent(new Event("change", { bubbles: true }));
    }

    // --- Searching -------------------------------------------------------------------------------

    schedule({ all = false } = {}) {
      window.clearTimeout(this.timer);
      const text = this.input.value.trim();
      if (!text && !(all && this.local)) {
        this.close();
        return;
      }
      this.timer = window.setTimeout(() => this.search(text), this.local ? 0 : DEBOUNCE_MS);
    }

    async search(text) {
      if (this.local) {
        // A single picker's box holds the current choice's name: opened on it, the list shows every option.
        const current = this.chosenOptions()[0];
        const needle = current && !this.multiple && text === current.textContent.trim() ? "" : text.toLowerCase();
        const found = Array.from(this.control.options)
          .filter((o) => o.value !== "" && o.textContent.toLowerCase().includes(needle))
          .slice(0, 50)
          .map((o) => ({ value: o.value, title: o.textContent.trim(), key: null, subtitle: "", type: "" }));
        this.show(found);
        return;
      }
      const base = searchUrl();
      if (!base) return;
      if (this.request) this.request.abort();
      this.request = new AbortController();
      this.status.textContent = this.strings.searching;
      const params = new URLSearchParams({ q: text, types: this.types, limit: String(LIMIT) });
      try {
        const response = await fetch(`${base}?${params}`, {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
          signal: this.request.signal,
        });
        if (!response.ok) throw new Error(String(response.status));
        const body = await response.json();
        if (this.input.value.trim() === text) this.show(body.results || []);
      } catch (error) {
        if (error.name !== "AbortError") this.show([]);
      }
    }

    show(results) {
      this.results = results;
      // Enter takes the first result, except in a key box that already holds a result's key: there
      // it submits what was typed, as it did before the picker.
      const typed = this.input.value.trim().toUpperCase();
      const exact = this.mode === "key" && results.some((r) => (r.key || "").toUpperCase() === typed);
      this.active = results.length && !exact ? 0 : -1;
      this.list.replaceChildren();
      const chosen = new Set(this.multiple ? this.chosenOptions().map((o) => o.value) : []);
      results.forEach((result, index) => {
        const option = element("li", "picker-option");
        option.id = `${this.list.id}-${index}`;
        option.setAttribute("role", "option");
        option.dataset.index = String(index);
        if (chosen.has(String(result.value))) option.classList.add("picker-chosen");
        if (result.type === "member") {
          const avatar = element("span", "picker-avatar", initials(result.title));
          avatar.setAttribute("aria-hidden", "true");
          option.append(avatar);
        }
        const main = element("span", "picker-option-main");
        const line = element("span", "picker-line");
        if (result.key) line.append(element("span", "picker-key", result.key), " ");
        line.append(element("span", "picker-title", result.title));
        main.append(line);
        if (result.subtitle) main.append(element("span", "picker-subtitle", result.subtitle));
        option.append(main);
        if (result.typeLabel && this.types.includes(",")) option.append(element("span", "picker-type", result.typeLabel));
        this.list.append(option);
      });
      if (!results.length) {
        // A listbox holds only options: "nothing found" is one that cannot be chosen.
        const empty = element("li", "picker-empty", this.strings.empty);
        empty.setAttribute("role", "option");
        empty.setAttribute("aria-disabled", "true");
        this.list.append(empty);
      }
      this.status.textContent = results.length
        ? this.strings.results.replace("%(count)s", String(results.length))
        : this.strings.empty;
      this.open();
      this.highlight();
    }

    open() {
      if (!this.list.isConnected) this.status.before(this.list);
      this.input.setAttribute("aria-controls", this.list.id);
      this.input.setAttribute("aria-expanded", "true");
    }

    close() {
      window.clearTimeout(this.timer);
      this.list.remove();
      this.input.removeAttribute("aria-controls");
      this.input.setAttribute("aria-expanded", "false");
      this.input.removeAttribute("aria-activedescendant");
      this.active = -1;
    }

    highlight() {
      Array.from(this.list.querySelectorAll(".picker-option")).forEach((option, index) => {
        const on = index === this.active;
        option.setAttribute("aria-selected", on ? "true" : "false");
        if (on) {
          this.input.setAttribute("aria-activedescendant", option.id);
          option.scrollIntoView({ block: "nearest" });
        }
      });
      if (this.active < 0) this.input.removeAttribute("aria-activedescendant");
    }

    // --- Choosing --------------------------------------------------------------------------------

    choose(index) {
      const result = this.results[index];
      if (!result) return;
      if (this.mode === "key") {
        this.input.value = result.key || String(result.value);
        const typeField = this.control.dataset.pickerTypeField;
        const form = this.control.form;
        if (typeField && form && form.elements[typeField]) form.elements[typeField].value = result.type;
        let current = this.root.querySelector("[data-picker-current]");
        if (!current) {
          current = element("span", "picker-current muted small");
          current.dataset.pickerCurrent = "";
          this.input.after(current);
        }
        current.textContent = resultLabel(result);
        this.control.dispatchEvent(new Event("change", { bubbles: true }));
      } else {
        const value = String(result.value);
        let option = Array.from(this.control.options).find((o) => o.value === value);
        if (!this.multiple) {
          // Only the empty choice (where there is one) and the chosen one stay.
          for (const other of Array.from(this.control.options)) {
            if (other.value !== "" && other !== option && !this.local) other.remove();
          }
        }
        if (!option) {
          option = new Option(resultLabel(result), value);
          this.control.add(option);
        }
        option.selected = true;
        if (this.multiple) this.input.value = "";
        this.changed();
      }
      this.close();
    }

    blurred() {
      if (this.root.contains(document.activeElement)) return;
      this.close();
      if (this.mode !== "select" || this.multiple) return;
      // An emptied box clears a field that may be empty; anything else typed but not chosen is undone.
      const empty = Array.from(this.control.options).find((o) => o.value === "");
      if (!this.input.value.trim() && empty) {
        empty.selected = true;
        this.changed();
      } else {
        this.showCurrent();
      }
    }

    keydown(event) {
      const open = this.list.isConnected;
      switch (event.key) {
        case "ArrowDown":
        case "ArrowUp":
          event.preventDefault();
          if (!open) {
            this.schedule({ all: true });
            return;
          }
          if (this.results.length) {
            const step = event.key === "ArrowDown" ? 1 : -1;
            this.active = (this.active + step + this.results.length) % this.results.length;
            this.highlight();
          }
          break;
        case "Enter":
          if (open && this.active >= 0) {
            event.preventDefault();
            this.choose(this.active);
          }
          break;
        case "Escape":
          if (open) {
            event.preventDefault();
            event.stopPropagation();
            this.close();
          } else if (this.mode === "select" && !this.multiple) {
            this.showCurrent();
          }
          break;
        case "Backspace":
          if (this.multiple && !this.input.value) {
            const last = this.chosenOptions().pop();
            if (last) {
              event.preventDefault();
              this.unselect(last.value);
            }
          }
          break;
        case "Tab":
          this.close();
          break;
        default:
          break;
      }
    }
  }

  function enhance(root) {
    for (const control of root.querySelectorAll("[data-picker]:not([data-picker-ready])")) {
      control.dataset.pickerReady = "";
      new Picker(control);
    }
  }

  document.addEventListener("DOMContentLoaded", () => enhance(document));
  // Forms htmx swaps in (the links panel, an edit form re-rendered with its errors).
  document.addEventListener("htmx:load", (event) => enhance(event.detail.elt.parentElement || document));
})();
