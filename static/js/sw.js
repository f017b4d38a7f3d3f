// The service worker (issue 21), served from /sw.js so it controls the whole site. It keeps the app shell (CSS,
// scripts, icons) and, for a mentor, the bedside pages the page script lists (offline.js); nothing else is kept.
// Workbox's routing and strategies are vendored into static/js/vendor (make vendor-js), never fetched from a CDN.
/* global workbox */
"use strict";

const ROOT = new URL("./", self.location);
const VENDOR = new URL("static/js/vendor/", ROOT).href;
importScripts(VENDOR + "workbox-sw.js");
workbox.setConfig({ debug: false, modulePathPrefix: VENDOR });
const { registerRoute } = workbox.routing;
const { NetworkFirst, StaleWhileRevalidate } = workbox.strategies;

const SHELL = "shell-v1";
const PAGES = "bedside-pages";
const OWNER = new URL("offline-owner", ROOT).href; // a pseudo-entry in PAGES: whose pages these are
const FALLBACK = new URL("offline", ROOT).href; // shown offline for a page not kept (core/installable.py)
const SHELL_FILES = [
  "static/css/app.css", "static/js/htmx.min.js", "static/js/app.js", "static/js/offline.js",
  "static/js/vendor/idb-keyval.js", "static/img/favicon.svg", "static/img/icon-192.png", "static/img/icon-512.png",
].map((path) => new URL(path, ROOT).href);
const MATCH = { ignoreVary: true, ignoreSearch: false };

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(SHELL_FILES.concat(FALLBACK))).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((name) => name.startsWith("shell-") && name !== SHELL)
      .map((name) => caches.delete(name))))
    .then(() => self.clients.claim()));
});

// The shell: from the cache at once, refreshed behind the scenes for the next load.
registerRoute(({ url }) => url.origin === ROOT.origin && url.pathname.startsWith(ROOT.pathname + "static/"),
  new StaleWhileRevalidate({ cacheName: SHELL }));

// Pages: always the network first; the cache only answers for a page already listed as a bedside page, and only such
// a page is refreshed in it. A redirect (to the login page, say) is never kept.
const onlyBedsidePages = {
  cacheWillUpdate: async ({ request, response }) => {
    if (!response || response.status !== 200 || response.redirected) return null;
    const cache = await caches.open(PAGES);
    return (await cache.match(request, MATCH)) ? response : null;
  },
};
registerRoute(({ request, url }) => request.mode === "navigate" && url.origin === ROOT.origin,
  new NetworkFirst({ cacheName: PAGES, networkTimeoutSeconds: 5, matchOptions: MATCH, plugins: [onlyBedsidePages] }));

// Offline, a page that is not kept gets the fallback page, not the browser's error page.
workbox.routing.setCatchHandler(async ({ request }) =>
  (request.mode === "navigate" && (await caches.match(FALLBACK))) || Response.error());

// The fallback page again, in the reader's language of now (it may have changed since the worker was installed).
async function refreshFallback() {
  try {
    await (await caches.open(SHELL)).add(FALLBACK);
  } catch (error) {
    // offline: the one kept stays
  }
}

async function keepPages(user, urls) {
  const cache = await caches.open(PAGES);
  const owner = await cache.match(OWNER);
  if (owner && (await owner.text()) !== String(user)) {
    await caches.delete(PAGES); // another person's pages never stay on a phone the next person uses
    return keepPages(user, urls);
  }
  await cache.put(OWNER, new Response(String(user)));
  const wanted = new Set(urls.map((url) => new URL(url, ROOT).href));
  for (const request of await cache.keys()) {
    if (request.url !== OWNER && !wanted.has(request.url)) await cache.delete(request);
  }
  for (const url of wanted) {
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (response.ok && !response.redirected) await cache.put(url, response);
    } catch (error) {
      return; // offline again: keep what is there
    }
  }
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  let work = null;
  if (data.type === "keep-pages") work = Promise.all([keepPages(data.user, data.urls || []), refreshFallback()]);
  else if (data.type === "forget-pages") work = caches.delete(PAGES);
  if (work) event.waitUntil(work.then(() => event.source && event.source.postMessage({ type: data.type + "-done" })));
});
