// The patrol page's outbox: every report goes into IndexedDB first, with an idempotency key made
// now, and is sent from there — at once when online, else when the browser says the network is
// back. The server opens one case per key, so a retry after a lost answer doubles nothing; a report
// leaves the outbox only when the server has answered for it.
(function () {
  "use strict";
  var root = document.getElementById("patrol");
  if (!root) return;
  var words = JSON.parse(document.getElementById("patrol-words").textContent);
  var form = document.getElementById("patrol-form");
  var list = document.getElementById("outbox");
  var net = document.getElementById("net");
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var sending = false;

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open("finegrid-patrol", 1);
      request.onupgradeneeded = function () { request.result.createObjectStore("outbox", { keyPath: "key" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function store(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction("outbox", mode), result = work(tx.objectStore("outbox"));
        tx.oncomplete = function () { resolve(result && result.result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }
  function all() { return store("readonly", function (s) { return s.getAll(); }); }
  function put(item) { return store("readwrite", function (s) { return s.put(item); }); }
  function drop(key) { return store("readwrite", function (s) { return s.delete(key); }); }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function show() {
    return all().then(function (items) {
      list.textContent = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.textContent = item.madeAt.slice(0, 16).replace("T", " ") + " · " + item.fields.description.slice(0, 30) +
          " · " + (item.problem ? words.refused + ": " + item.problem : words.queued);
        if (item.problem) li.className = "failed";
        list.appendChild(li);
      });
      net.textContent = navigator.onLine ? words.online : words.offline;
    });
  }

  function send(item) {
    var body = new FormData();
    Object.keys(item.fields).forEach(function (name) { body.append(name, item.fields[name]); });
    body.append("key", item.key);
    (item.answers || []).forEach(function (pair) { body.append(pair[0], pair[1]); });
    if (item.photo) body.append("photos", item.photo, item.photoName || "photo.jpg");
    return fetch(root.dataset.post, { method: "POST", body: body, credentials: "same-origin",
                                      headers: { "X-CSRFToken": csrf } })
      .then(function (response) {
        if (response.status >= 500) throw new Error("server");  // keep it; try again later
        return response.json().then(function (answer) {
          if (response.ok) return drop(item.key);
          item.problem = Object.values(answer.problems || {}).join("; ");
          return put(item);  // refused: kept and shown, so nothing is lost silently
        });
      });
  }

  function flush() {
    if (sending || !navigator.onLine) return show();
    sending = true;
    return all().then(function (items) {
      return items.filter(function (item) { return !item.problem; }).reduce(function (chain, item) {
        return chain.then(function () { return send(item); });
      }, Promise.resolve());
    }).catch(function () { /* the network went away again: the rest waits */ })
      .then(function () { sending = false; return show(); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var photo = form.querySelector("#photo").files[0];
    var item = {
      key: newKey(), madeAt: new Date().toISOString(), photo: photo || null, photoName: photo ? photo.name : "",
      fields: { category: form.category.value, description: form.description.value, lon: form.lon.value, lat: form.lat.value },
      answers: answers()
    };
    put(item).then(function () { form.reset(); changed(); locate(); return flush(); });
  });

  // The answers to the chosen category's questions (the others' fieldsets are disabled: not sent).
  function answers() {
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (name.indexOf("attribute[") === 0 && value !== "") pairs.push([name, value]);
    });
    return pairs;
  }
  function changed() { form.category.dispatchEvent(new Event("change")); }

  root.querySelectorAll(".quick button").forEach(function (button) {
    button.addEventListener("click", function () {
      form.category.value = button.dataset.code;
      changed();
      root.querySelectorAll(".quick button").forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
    });
  });

  function locate() {
    var gps = document.getElementById("gps");
    if (!navigator.geolocation) { gps.textContent = words.nogps; return; }
    navigator.geolocation.getCurrentPosition(function (p) {
      form.lon.value = p.coords.longitude.toFixed(6); form.lat.value = p.coords.latitude.toFixed(6);
      gps.textContent = words.gps + " " + form.lon.value + ", " + form.lat.value;
    }, function () { gps.textContent = words.nogps; }, { enableHighAccuracy: true, timeout: 15000 });
  }

  window.addEventListener("online", flush);
  window.addEventListener("offline", show);
  window.finegridPatrol = { flush: flush, all: all };  // for the browser test
  locate();
  flush();
})();
