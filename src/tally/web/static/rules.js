// The rules editor (Alpine), one component for the run page and a draft's page: edits the rule
// set as JSON, asks the server to validate it with the same model the API uses, shows each error
// beside its rule or condition, and keeps every valid edit in a draft version as it is made (the
// run page creates its draft on the first edit, then saves in place like a draft's page). The
// run page also starts a job with the rules shown (none yet: the job infers them).
document.addEventListener("alpine:init", function () {
  "use strict";
  var nextKey = 1;

  function keyed(ruleSet) {
    ruleSet.rules.forEach(function (rule) {
      rule._key = nextKey++;
      rule.conditions.forEach(function (cond) { cond._key = nextKey++; });
    });
    return ruleSet;
  }

  function plain(ruleSet) {
    return JSON.parse(JSON.stringify(ruleSet, function (key, value) {
      return key === "_key" ? undefined : value;
    }));
  }

  var DEFAULTS = {
    equals: function () { return { type: "equals", field: "reference", normalisers: ["case", "whitespace"] }; },
    amount: function () { return { type: "amount", abs_tolerance: "0.01", sign: "same" }; },
    date: function () { return { type: "date", window_days: 3 }; },
    fuzzy: function () { return { type: "fuzzy", field: "description", threshold: 85 }; },
  };

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "X-CSRF-Token": Tally.csrfToken(), "HX-Request": "true" },
    });
  }

  Alpine.data("rulesEditor", function () {
    return {
      rules: null,
      errors: [],
      saved: "",
      draftNumber: null,
      autosave: false,
      valid: true,
      busy: false,
      status: "",
      left: null,
      right: null,
      textFields: ["reference", "currency", "description", "counterparty", "counterparty_account", "transaction_id"],
      timer: null,

      urls: {},

      init: function () {
        var root = this.$el;  // captured now: handlers of removed rows have no $root later
        this.urls = {
          validate: root.getAttribute("data-validate-url"),
          draft: root.getAttribute("data-draft-url"),
          create: root.getAttribute("data-create-url"),
          start: root.getAttribute("data-start-url"),
        };
        this.autosave = root.hasAttribute("data-autosave");
        var number = root.getAttribute("data-draft-number");
        this.draftNumber = number ? Number(number) : null;
        var data = JSON.parse(document.getElementById("rules-data").textContent);
        this.rules = data ? keyed(data) : null;
        var l = document.getElementById("left-source"), r = document.getElementById("right-source");
        if (l && r) { this.left = Number(l.value); this.right = Number(r.value); }
        this.validate();
      },
      url: function (name) { return this.urls[name]; },

      changed: function () {
        var self = this;
        self.status = "Checking…";
        clearTimeout(self.timer);
        self.timer = setTimeout(function () { self.validate(true); }, 300);
      },
      validate: function (edited) {
        var self = this;
        if (!self.rules) return Promise.resolve();
        return post(self.url("validate"), { rules: plain(self.rules) })
          .then(function (response) { return response.json(); })
          .then(function (result) {
            self.errors = result.errors; self.valid = result.valid;
            self.status = result.valid ? "The rules are valid." : "Fix the problems marked below.";
            if (edited && result.valid && self.autosave) self.save();
          })
          .catch(function () { self.status = "The rules could not be checked; check your connection."; });
      },
      // Errors by location: ["rules", r, ...] belongs to rule r, [..., "conditions", c, ...] to
      // condition c; anything else to the rule set.
      ruleErrors: function (r) {
        return this.errors.filter(function (e) {
          return e.loc[0] === "rules" && e.loc[1] === r && e.loc[2] !== "conditions";
        }).map(function (e) { return (e.loc.length > 2 ? e.loc.slice(2).join(" ") + ": " : "") + e.msg; });
      },
      condErrors: function (r, c) {
        return this.errors.filter(function (e) {
          return e.loc[0] === "rules" && e.loc[1] === r && e.loc[2] === "conditions" && e.loc[3] === c;
        }).map(function (e) { var f = e.loc[e.loc.length - 1]; return (typeof f === "string" && e.loc.length > 5 ? f.replace("_", " ") + ": " : "") + e.msg; });
      },
      globalErrors: function () {
        return this.errors.filter(function (e) { return e.loc[0] !== "rules" || e.loc.length < 2; })
          .map(function (e) { return e.msg; });
      },

      addRule: function () {
        var n = this.rules.rules.length + 1;
        this.rules.rules.push({ _key: nextKey++, name: "rule_" + n, cardinality: "one_to_one", auto: 0.9, suggest: 0.6,
          conditions: [Object.assign(DEFAULTS.amount(), { _key: nextKey++ }), Object.assign(DEFAULTS.date(), { _key: nextKey++ })] });
        this.changed();
      },
      removeRule: function (r) { this.rules.rules.splice(r, 1); this.changed(); },
      moveRule: function (r, step) {
        var list = this.rules.rules, to = r + step;
        if (to < 0 || to >= list.length) return;
        var moved = list.splice(r, 1)[0];
        list.splice(to, 0, moved);
        this.changed();
      },
      addCondition: function (r) {
        this.rules.rules[r].conditions.push(Object.assign(DEFAULTS.fuzzy(), { _key: nextKey++, required: false }));
        this.changed();
      },
      removeCondition: function (r, c) { this.rules.rules[r].conditions.splice(c, 1); this.changed(); },
      setType: function (r, c, type) {
        var old = this.rules.rules[r].conditions[c];
        this.rules.rules[r].conditions[c] = Object.assign(DEFAULTS[type](), { _key: old._key, required: old.required !== false });
        this.changed();
      },

      // Saves in place once there is a draft (data-draft-url, or the one created here);
      // else creates one (data-create-url: the run page), whose number the URL then keeps so a
      // reload or a later visit edits it again.
      save: function () {
        var self = this, creating = !self.urls.draft;
        self.saved = "Saving…";
        return post(creating ? self.url("create") : self.url("draft"), { rules: plain(self.rules) }).then(function (response) {
          if (response.ok) {
            return response.json().then(function (result) {
              if (creating) {
                self.urls.draft = result.save_url;
                self.draftNumber = result.number;
                var here = new URL(window.location.href);
                here.searchParams.set("draft", result.number);
                window.history.replaceState(null, "", here.toString());
              }
              self.saved = "Edits kept in draft v" + self.draftNumber + ".";
              return true;
            });
          }
          return response.text().then(function (text) {
            self.saved = "Not saved.";
            if (response.status === 422) { var r = JSON.parse(text); self.errors = r.errors; self.valid = false; }
            else Tally.flash(text);
            return false;
          });
        }).catch(function () { self.saved = "Not saved: Tally could not be reached."; return false; });
      },
      // The draft page's explicit button: the same save, then what to do next.
      saveDraft: function () {
        var self = this;
        return self.save().then(function (ok) {
          if (ok) self.saved = "Draft saved. Backtest it below before activating it.";
        });
      },
      start: function () {
        var self = this;
        self.busy = true;
        self.status = "Starting…";
        var body = { left_source_id: self.left, right_source_id: self.right };
        if (self.rules) body.rules = plain(self.rules);
        post(self.url("start"), body)
          .then(function (response) {
            if (response.ok) return response.json().then(function (job) { window.location.assign(job.url); });
            return response.text().then(function (text) {
              self.busy = false; self.status = "Not started.";
              if (response.status === 422 && text.charAt(0) === "{") { var r = JSON.parse(text); self.errors = r.errors; self.valid = false; }
              else Tally.flash(text);
            });
          })
          .catch(function () { self.busy = false; Tally.flash("Tally could not be reached.", "error"); });
      },
    };
  });
});
