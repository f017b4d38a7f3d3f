// Working without a connection on the ward (issue 21). Registers the service worker (sw.js), tells it which pages to
// keep for this user, and keeps the forms marked data-offline-draft on this device (IndexedDB, through the vendored
// idb-keyval) while the network or the server is away; sends them, in order and with the version each was opened at,
// when it returns. A draft belongs to the account that typed it: it is shown and sent only while that account is
// signed in, removed on sign-out, and kept at most 7 days. The words shown come from #offline-texts (translated).
(function () {
  "use strict";
  var body = document.body;
  var texts = document.getElementById("offline-texts");
  var user = body.dataset.offlineUser || "";
  var MAX_AGE = 7 * 24 * 3600 * 1000;
  var store = window.idbKeyval && window.indexedDB ? window.idbKeyval.createStore("mentorship-offline", "drafts") : null;
  var sending = false;
  var again = false; // a draft changed while the queue was being sent: send once more after

  function say(name) { return (texts && texts.dataset[name]) || ""; }

  // --- the service worker and the pages it keeps ---------------------------------------------------------------

  function myDevice() { return window.localStorage.getItem("offline-my-device") === user; }

  function keepsPages() {
    return body.dataset.offlineRole === "mentor" || (body.dataset.offlineRole === "hospital_admin" && myDevice());
  }

  function tellWorker(message) {
    if (!("serviceWorker" in navigator)) return Promise.resolve();
    return navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) registration.active.postMessage(message);
    });
  }

  if ("serviceWorker" in navigator && body.dataset.sw) {
    navigator.serviceWorker.register(body.dataset.sw).catch(function () { /* no worker: the site works online */ });
  }

  // Who the server says is signed in (null: nobody), with a fresh CSRF token and the pages to keep.
  function whoIsSignedIn() {
    if (!body.dataset.bedside || !navigator.onLine) return Promise.resolve(null);
    return fetch(body.dataset.bedside, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (response) { return response.ok && !response.redirected ? response.json() : null; })
      .catch(function () { return null; });
  }

  // --- drafts --------------------------------------------------------------------------------------------------

  function draftKey(form) { return "draft:" + user + ":" + form.dataset.offlineDraft; }

  function allDrafts() {
    if (!store) return Promise.resolve([]);
    return window.idbKeyval.entries(store).then(function (entries) {
      return entries.map(function (entry) { return entry[1]; });
    });
  }

  function myDrafts(account) {
    return allDrafts().then(function (drafts) {
      return drafts.filter(function (draft) { return draft.user === String(account); })
        .sort(function (a, b) { return a.savedAt - b.savedAt; });
    });
  }

  function fieldsOf(form) {
    var fields = [];
    new FormData(form).forEach(function (value, name) { if (typeof value === "string") fields.push([name, value]); });
    return fields;
  }

  var queued = {}; // keys of this page's drafts not yet sent (kept in step by saveDraft, settle and showQueue)
  var synced = {}; // key -> what the queue last sent from this page: an autosave of the same text is not sent again

  // A draft's text without its CSRF token and version numbers: what the mentor typed.
  function typed(fields) {
    return JSON.stringify(fields.filter(function (pair) { return pair[0] !== "csrf_token" && !/(^|-)version$/.test(pair[0]); }));
  }

  function saveDraft(form) {
    if (!store || !user) return Promise.resolve();
    var key = draftKey(form);
    queued[key] = true;
    return window.idbKeyval.get(key, store).then(function (old) {
      var draft = { key: key, user: user, url: form.dataset.offlineDraft, page: window.location.pathname,
                    label: form.dataset.offlineLabel || document.title, fields: fieldsOf(form),
                    savedAt: old ? old.savedAt : Date.now(), changedAt: Date.now() };
      if (old && old.conflict) draft.conflict = true; // stays in conflict until the mentor chooses
      if (old && old.chosenOver) draft.chosenOver = old.chosenOver; // a choice made stays made
      if (old && old.serverVersions) draft.serverVersions = old.serverVersions;
      return window.idbKeyval.set(key, draft, store);
    }).then(function () { showStatus(form, "saved"); return showQueue(); });
  }

  function restore(form, fields) {
    var byName = {};
    fields.forEach(function (pair) { (byName[pair[0]] = byName[pair[0]] || []).push(pair[1]); });
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name || !(element.name in byName) || element.type === "hidden" || element.type === "submit") return;
      var values = byName[element.name];
      if (element.type === "radio" || element.type === "checkbox") element.checked = values.indexOf(element.value) !== -1;
      else if (element.tagName === "SELECT" && element.multiple) {
        Array.prototype.forEach.call(element.options, function (o) { o.selected = values.indexOf(o.value) !== -1; });
      } else {
        var same = namedElements(form, element.name);
        element.value = values[same.indexOf(element)] || "";
      }
      var details = element.closest("details");
      if (details && element.value && element.type === "text") details.open = true;
    });
    versionInputs(form).forEach(function (input) { if (byName[input.name]) input.value = byName[input.name][0]; });
  }

  // A form's own fields, those outside it (form="id") included.
  function namedElements(form, name) {
    return Array.prototype.filter.call(form.elements, function (element) { return element.name === name; });
  }

  function versionInputs(form) {
    return Array.prototype.filter.call(form.elements, function (e) { return e.type === "hidden" && /(^|-)version$/.test(e.name); });
  }

  // Where a form says how its draft stands: data-offline-status names a box outside it, else one inside it.
  function statusBox(form) {
    var outside = form.dataset.offlineStatus;
    return (outside && document.querySelector(outside)) || form.querySelector("[data-offline-status]") || form.querySelector("#save-status");
  }

  function showStatus(form, state, detail) {
    var box = statusBox(form);
    if (!box) return;
    var p = document.createElement("p");
    var fine = state === "saved" || state === "sent";
    p.className = fine ? "muted" : "field-error";
    if (!fine) p.setAttribute("role", "alert");
    p.textContent = state === "sent" && detail ? detail : say(state) + (detail ? " " + detail : "");
    box.replaceChildren(p);
  }

  function showQueue() {
    var box = document.getElementById("offline-queue");
    if (!box || !user) return Promise.resolve();
    return myDrafts(user).then(function (drafts) {
      queued = {};
      drafts.forEach(function (draft) { queued[draft.key] = true; });
      box.hidden = drafts.length === 0;
      var list = box.querySelector("ul");
      list.replaceChildren.apply(list, drafts.map(function (draft) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = draft.page;
        a.textContent = draft.label;
        li.appendChild(a);
        if (draft.conflict) li.append(" · " + say("conflict"));
        return li;
      }));
    });
  }

  // Send one draft. Resolves to "sent", "conflict", "refused" or "stop" (no connection or not signed in).
  function sendDraft(draft, csrf) {
    var data = new URLSearchParams();
    draft.fields.forEach(function (pair) { if (pair[0] !== "csrf_token") data.append(pair[0], pair[1]); });
    data.append("csrf_token", csrf);
    return fetch(draft.url, { method: "POST", body: data, credentials: "same-origin",
                              headers: { "HX-Request": "true", "X-CSRFToken": csrf } })
      .then(function (response) {
        if (response.status === 409) {
          return response.text().then(function (html) {
            draft.serverVersions = versionsIn(new DOMParser().parseFromString("<table>" + html + "</table>", "text/html"), draft);
            return "conflict";
          });
        }
        if (response.status === 422) {
          return response.text().then(function (html) {
            draft.refused = new DOMParser().parseFromString(html, "text/html").body.textContent.trim();
            return "refused";
          });
        }
        if (!response.ok) return "stop"; // 401: signed out meanwhile; anything else: try again later
        return response.text().then(function (html) {
          var form = formFor(draft);
          if (!form) return "sent";
          var answer = new DOMParser().parseFromString("<table>" + html + "</table>", "text/html");
          // A plain form's answer is the next page (its version inputs are another record's): read this one's page again.
          var versions = response.redirected ? readServer(draft).then(function (server) { return server ? server.versions : {}; })
            : Promise.resolve(versionsIn(answer, draft));
          return versions.then(function (fresh) {
            versionInputs(form).forEach(function (input) { if (input.name in fresh) input.value = fresh[input.name]; });
            var said = !response.redirected && answer.querySelector("p.muted");
            showStatus(form, "sent", said && !form.dataset.offlineStatus ? said.textContent.trim() : "");
            return "sent";
          });
        });
      })
      .catch(function () { return "stop"; });
  }

  // The record's current versions as a 409 answer or a fresh page gives them: the form's hidden version inputs, or the
  // <data data-version-of="name"> an autosave's conflict answer carries (an input there would become a form field).
  function versionsIn(doc, draft) {
    var versions = {};
    draft.fields.forEach(function (pair) {
      if (!/(^|-)version$/.test(pair[0])) return;
      var found = doc.querySelector("input[name='" + pair[0] + "'], data[data-version-of='" + pair[0] + "']");
      if (found && found.value !== "") versions[pair[0]] = found.value;
    });
    return versions;
  }

  function formFor(draft) {
    return document.querySelector("form[data-offline-draft='" + draft.url + "']");
  }

  function sendQueue() {
    if (!store || !navigator.onLine) return Promise.resolve();
    if (sending) { again = true; return Promise.resolve(); }
    sending = true;
    return whoIsSignedIn().then(function (me) {
      var hint = document.querySelector("[data-offline-signin]");
      if (hint) hint.hidden = !!me || !navigator.onLine; // online, yet the server no longer knows this person
      if (!me) return;
      if (String(me.user) !== user) return; // the page belongs to someone else: send nothing
      keepPagesFor(me);
      return myDrafts(me.user).then(function (drafts) {
        var chain = Promise.resolve(true);
        drafts.filter(function (d) { return !d.conflict; }).forEach(function (draft) {
          chain = chain.then(function (going) {
            if (!going) return false;
            return sendDraft(draft, me.csrf).then(function (outcome) {
              if (outcome === "sent") {
                synced[draft.key] = typed(draft.fields);
                return settle(draft).then(function () { return true; });
              }
              if (outcome === "conflict") return conflicted(draft).then(function () { return true; });
              if (outcome === "refused") {
                var form = formFor(draft);
                if (form) showStatus(form, "refused", draft.refused);
                return window.idbKeyval.set(draft.key, draft, store).then(function () { return true; });
              }
              return false;
            });
          });
        });
        return chain.then(function () { return showConflicts(me.csrf); });
      });
    }).finally(function () {
      sending = false;
      if (again) { again = false; window.setTimeout(sendQueue, 0); }
      return showQueue();
    });
  }

  // Sent: forget the draft, so it is never sent twice (a second send of the same text at the new version would move the
  // record's version on, and another phone's choice would then meet a conflict again). A draft whose text changed
  // while it was on its way stays queued, at the version just saved.
  function settle(sent) {
    return window.idbKeyval.get(sent.key, store).then(function (now) {
      if (!now || now.changedAt === sent.changedAt || typed(now.fields) === typed(sent.fields)) {
        delete queued[sent.key];
        return window.idbKeyval.del(sent.key, store);
      }
      var form = formFor(now);
      if (form) now.fields = now.fields.map(function (pair) {
        var input = versionInputs(form).filter(function (i) { return i.name === pair[0]; })[0];
        return input ? [pair[0], input.value] : pair;
      });
      again = true;
      return window.idbKeyval.set(now.key, now, store);
    });
  }

  // A conflict. After the mentor chose to keep their version over the text they were shown, a second 409 re-reads the
  // record: if its text is still what they were shown, only its version moved on (a save of the same text), and the
  // draft goes again at that version, once; if the text changed too, the choice is shown again with the new text.
  function conflicted(draft) {
    var chosenOver = draft.chosenOver;
    delete draft.chosenOver;
    var reread = chosenOver && !draft.retried ? readServer(draft) : Promise.resolve(null);
    return reread.then(function (server) {
      if (server && typed(server.fields) === chosenOver) {
        draft.fields = withVersions(draft.fields, Object.assign({}, draft.serverVersions, server.versions));
        showVersions(draft);
        draft.retried = true;
        return window.idbKeyval.set(draft.key, draft, store).then(function () { again = true; });
      }
      draft.conflict = true;
      delete draft.retried;
      return window.idbKeyval.set(draft.key, draft, store);
    });
  }

  // The record as the server has it now: its form's fields and versions (null offline or when the form is gone).
  function readServer(draft) {
    return fetch(draft.page, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.text() : null; }).then(function (html) {
      if (!html) return null;
      var doc = new DOMParser().parseFromString(html, "text/html");
      var form = doc.querySelector("form[data-offline-draft='" + draft.url + "']");
      return form ? { form: form, fields: fieldsOf(form), versions: versionsIn(doc, draft) } : null;
    }).catch(function () { return null; });
  }

  // The form carries the versions its draft now goes at, so what is typed next is saved at them too.
  function showVersions(draft) {
    var form = formFor(draft);
    if (!form) return;
    var versions = {};
    draft.fields.forEach(function (pair) { versions[pair[0]] = pair[1]; });
    versionInputs(form).forEach(function (input) { if (input.name in versions) input.value = versions[input.name]; });
  }

  function withVersions(fields, versions) {
    return fields.map(function (pair) { return pair[0] in versions ? [pair[0], versions[pair[0]]] : pair; });
  }

  function keepPagesFor(me) {
    tellWorker(keepsPages() ? { type: "keep-pages", user: me.user, urls: me.urls } : { type: "forget-pages" });
  }

  // --- a conflict: both versions side by side, the mentor chooses ------------------------------------------------

  // Whom or what a field is about, as the form names it: data-offline-who on the field or around it (the person whose
  // attendance mark it is), else its fieldset's legend or its label.
  function labelOf(form, name) {
    var element = namedElements(form, name)[0];
    if (!element) return name;
    var who = element.closest("[data-offline-who]");
    if (who) return who.dataset.offlineWho;
    var fieldset = element.closest("fieldset");
    if (fieldset && fieldset.querySelector("legend")) return fieldset.querySelector("legend").textContent.trim();
    if (element.labels && element.labels.length) return element.labels[0].textContent.trim();
    return name;
  }

  function valuesByName(fields) {
    var out = {};
    fields.forEach(function (pair) {
      if (pair[0] === "csrf_token" || /(^|-)version$/.test(pair[0])) return;
      (out[pair[0]] = out[pair[0]] || []).push(pair[1]);
    });
    return out;
  }

  // A field's values as the form says them: a choice by its words (data-offline-words, else its label or option), a
  // typed value as typed; none, by data-offline-none around the field (a mentee present on no day is absent), else "—".
  function inWords(form, name, values) {
    var elements = namedElements(form, name);
    var words = (values || []).map(function (value) {
      var choice = elements.filter(function (e) { return /^(radio|checkbox)$/.test(e.type) && e.value === value; })[0];
      if (!choice && elements[0] && elements[0].tagName === "SELECT") {
        choice = Array.prototype.filter.call(elements[0].options, function (o) { return o.value === value; })[0];
        if (choice) return choice.textContent.trim();
      }
      if (choice && choice.dataset.offlineWords) return choice.dataset.offlineWords;
      if (choice && choice.labels && choice.labels.length) return choice.labels[0].textContent.trim();
      return value;
    }).filter(function (word) { return word !== ""; });
    if (words.length) return words.join(", ");
    var none = elements[0] && elements[0].closest("[data-offline-none]");
    return none ? none.dataset.offlineNone : "—";
  }

  function showConflicts(csrf) {
    return myDrafts(user).then(function (drafts) {
      drafts.filter(function (d) { return d.conflict; }).forEach(function (draft) {
        var form = formFor(draft);
        if (!form || form.dataset.offlineChoosing) return; // already shown (or being fetched) for this form
        form.dataset.offlineChoosing = "1";
        readServer(draft).then(function (server) {
          if (!server) { delete form.dataset.offlineChoosing; return; }
          var mine = valuesByName(draft.fields);
          var saved = valuesByName(server.fields);
          var box = document.createElement("div");
          box.className = "offline-conflict errors-summary";
          box.setAttribute("role", "alert");
          var p = document.createElement("p");
          p.textContent = say("conflictLong");
          var table = document.createElement("table");
          var head = table.createTHead().insertRow();
          [say("field"), say("mine"), say("theirs")].forEach(function (t) {
            var th = document.createElement("th"); th.textContent = t; head.appendChild(th);
          });
          var rows = table.createTBody();
          Object.keys(Object.assign({}, mine, saved)).forEach(function (name) {
            if ((mine[name] || [""]).join(", ") === (saved[name] || [""]).join(", ")) return;
            var row = rows.insertRow();
            [labelOf(form, name), inWords(form, name, mine[name]), inWords(form, name, saved[name])].forEach(function (t) {
              row.insertCell().textContent = t;
            });
          });
          var keepMine = document.createElement("button");
          keepMine.type = "button";
          keepMine.textContent = say("keepMine");
          keepMine.addEventListener("click", function () {
            window.idbKeyval.get(draft.key, store).then(function (latest) {
              latest = latest || draft;
              // At the version of the text shown (else the one the 409 answer gave): a newer save meets a 409 (conflicted).
              latest.fields = withVersions(latest.fields, Object.assign({}, latest.serverVersions || draft.serverVersions, server.versions));
              latest.chosenOver = typed(server.fields);
              showVersions(latest);
              delete latest.conflict;
              return window.idbKeyval.set(latest.key, latest, store);
            }).then(function () {
              box.remove();
              delete form.dataset.offlineChoosing;
              return sendQueue();
            });
          });
          var keepTheirs = document.createElement("button");
          keepTheirs.type = "button";
          keepTheirs.className = "secondary";
          keepTheirs.textContent = say("keepTheirs");
          keepTheirs.addEventListener("click", function () {
            window.idbKeyval.del(draft.key, store).then(function () { window.location.reload(); });
          });
          var actions = document.createElement("div");
          actions.className = "form-actions";
          actions.append(keepMine, keepTheirs);
          box.append(p, table, actions);
          form.parentNode.insertBefore(box, form);
        });
      });
    });
  }

  // --- wiring ------------------------------------------------------------------------------------------------------

  function draftForm(element) {
    if (!element) return null;
    var form = element.form || (element.closest ? element.closest("form") : null);
    return form && form.matches("form[data-offline-draft]") ? form : null;
  }

  // Offline, every change is kept at once (a plain form has no autosave to wait for).
  var pending = null;
  ["input", "change"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var form = draftForm(event.target);
      if (!form || navigator.onLine) return;
      window.clearTimeout(pending);
      pending = window.setTimeout(function () { saveDraft(form); }, 300);
    });
  });

  // Offline: a save is kept on this phone instead of failing; signing off (which locks the record) waits for the server.
  // Online, a form whose draft is still queued saves through the queue too: two saves of one record never race; and an
  // autosave of the very text the queue has just sent (typed offline, its delay ran out after the return) is not sent.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = draftForm(event.detail.elt);
    if (!form) return;
    var key = draftKey(form);
    var onlineOnly = event.detail.elt.closest("[data-offline-online-only]");
    if (navigator.onLine && !onlineOnly && !queued[key] && event.detail.elt !== form && synced[key] === typed(fieldsOf(form))) {
      event.preventDefault();
      return;
    }
    if (navigator.onLine && (onlineOnly || !queued[key])) { delete synced[key]; return; }
    event.preventDefault();
    if (onlineOnly) showStatus(form, "needsServer");
    else saveDraft(form).then(sendQueue);
  });

  document.addEventListener("htmx:sendError", function (event) {
    var form = draftForm(event.detail.elt);
    if (form && !event.detail.elt.closest("[data-offline-online-only]")) saveDraft(form);
  });

  document.addEventListener("htmx:responseError", function (event) {
    var form = draftForm(event.detail.elt);
    var status = event.detail.xhr.status;
    if (form && status >= 500 && !event.detail.elt.closest("[data-offline-online-only]")) saveDraft(form);
  });

  // A form submitted the plain way (no htmx) while offline: keep it rather than show the browser's error page.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches("[data-offline-signout]")) {
      event.preventDefault();
      forgetMine().then(function () { form.submit(); });
      return;
    }
    if (!form.matches("form[data-offline-draft]") || navigator.onLine) return;
    event.preventDefault();
    if (event.submitter && event.submitter.closest("[data-offline-online-only]")) showStatus(form, "needsServer");
    else saveDraft(form);
  }, true);

  function forgetMine() {
    var waited = new Promise(function (resolve) { window.setTimeout(resolve, 1500); });
    var worker = Promise.race([tellWorker({ type: "forget-pages" }), waited]); // a worker never ready must not hold sign-out
    var drafts = store ? myDrafts(user).then(function (mine) {
      return Promise.all(mine.map(function (d) { return window.idbKeyval.del(d.key, store); }));
    }).catch(function () {}) : Promise.resolve();
    return Promise.all([worker, drafts]);
  }

  function dropOld() {
    return allDrafts().then(function (drafts) {
      var now = Date.now();
      return Promise.all(drafts.filter(function (d) { return now - d.changedAt > MAX_AGE; })
        .map(function (d) { return window.idbKeyval.del(d.key, store); }));
    });
  }

  // The page shown offline for a page not kept (sw.js): links to the pages this phone keeps, by their headings.
  function listKept(list) {
    if (!("caches" in window)) return;
    caches.has("bedside-pages").then(function (has) {
      if (!has) return [];
      return caches.open("bedside-pages").then(function (cache) {
        return cache.keys().then(function (requests) {
          return Promise.all(requests.filter(function (r) { return !/\/offline-owner$/.test(r.url); }).map(function (request) {
            return cache.match(request).then(function (r) { return r.text(); }).then(function (html) {
              var doc = new DOMParser().parseFromString(html, "text/html");
              var heading = doc.querySelector("h1");
              return { url: request.url, title: (heading ? heading.textContent : doc.title).trim() };
            });
          }));
        });
      });
    }).then(function (pages) {
      list.replaceChildren.apply(list, pages.map(function (page) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = page.url;
        a.textContent = page.title;
        li.appendChild(a);
        return li;
      }));
      var none = document.querySelector("[data-offline-none]");
      if (none) none.hidden = pages.length > 0;
    });
  }

  function start() {
    var kept = document.querySelector("[data-offline-kept]");
    if (kept) listKept(kept);
    if (!store) return;
    var myDeviceBox = document.querySelector("[data-offline-my-device]");
    if (myDeviceBox) {
      myDeviceBox.checked = myDevice();
      myDeviceBox.addEventListener("change", function () {
        if (myDeviceBox.checked) window.localStorage.setItem("offline-my-device", user);
        else window.localStorage.removeItem("offline-my-device");
        whoIsSignedIn().then(function (me) { if (me) keepPagesFor(me); else if (!myDeviceBox.checked) tellWorker({ type: "forget-pages" }); });
      });
    }
    dropOld().then(function () { return user ? myDrafts(user) : []; }).then(function (drafts) {
      drafts.forEach(function (draft) {
        var form = formFor(draft);
        if (!form) return;
        restore(form, draft.fields);
        showStatus(form, draft.conflict ? "conflict" : "saved");
      });
      return showQueue();
    }).then(function () {
      if (navigator.onLine) return sendQueue();
    });
    window.addEventListener("online", sendQueue);
  }

  start();
})();
