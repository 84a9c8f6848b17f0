// The workspace page's behaviour: presses, modals, the command box and live updates. No build step.
// All HTML comes rendered (and escaped) from the server; this file only places it and reports what the
// visitor did, so the emulator can send the app exactly what Slack would.
"use strict";

const page = document.body.dataset;
const user = page.user;
const channel = page.channel || null;
let revision = Number(page.revision);
let openThread = null;
const TYPING_PAUSE_MS = 300; // Slack dispatches on_character_entered as the person pauses, not per key

function fragment(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  return template.content.firstElementChild;
}

function say(text) {
  const status = document.getElementById("status");
  status.textContent = text;
  status.classList.toggle("shown", Boolean(text));
}

async function send(path, data) {
  const answer = await fetch(path, {
    method: "POST",
    headers: {"Content-Type": "application/json"},
    body: JSON.stringify({as: user, ...data}),
  });
  const result = await answer.json().catch(() => ({}));
  if (!answer.ok) {
    say(result.error || `The emulator answered ${answer.status}.`);
  } else if (result.status === 0) {
    say("The app did not answer within 3 seconds.");
  } else if (result.status !== undefined && result.status !== 200) {
    say(`The app answered ${result.status}.`);
  } else {
    say("");
  }
  return result;
}

function byTs(selector, ts) {
  return `${selector}[data-ts="${CSS.escape(ts)}"]`;
}

// Insert or replace a message, keeping the list in time order (ephemeral messages sit among the others).
function place(container, ts, html) {
  const existing = container.querySelector(byTs(":scope > .message", ts));
  const element = fragment(html);
  if (existing) {
    existing.replaceWith(element);
    return;
  }
  const atBottom = container.scrollHeight - container.scrollTop - container.clientHeight < 80;
  const later = [...container.children].find((child) => Number(child.dataset.ts) > Number(ts));
  container.insertBefore(element, later || null);
  if (atBottom) container.scrollTop = container.scrollHeight;
}

function removeMessage(container, ts) {
  container?.querySelector(byTs(":scope > .message", ts))?.remove();
}

// -- presses ------------------------------------------------------------------------------------------
function surfaceOf(element) {
  const surface = element.closest("[data-surface]");
  const where = {surface: surface.dataset.surface};
  if (where.surface === "message") Object.assign(where, {channel: surface.dataset.channel, ts: surface.dataset.ts});
  if (where.surface === "ephemeral") where.ts = surface.dataset.ts;
  if (where.surface === "view") where.view_id = surface.dataset.viewId;
  return where;
}

async function press(element, value) {
  const action = {...surfaceOf(element), action_id: element.dataset.actionId, block_id: element.dataset.blockId};
  if (value !== undefined) action.value = value;
  element.classList.add("pressing");
  try {
    await send("/_workspace/act", action);
  } finally {
    element.classList.remove("pressing");
  }
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-action-id]");
  if (button) {
    if (button.dataset.url) window.open(button.dataset.url, "_blank", "noopener");
    press(button);
    return;
  }
  const summary = event.target.closest("[data-thread]");
  if (summary) return showThread(summary.dataset.thread);
  if (event.target.closest("[data-thread-close]")) return hideThread();
  if (event.target.closest("[data-close]")) return closeModal();
  if (event.target.closest("[data-teammates-toggle]")) return toggleTeammates();
});

document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-action-id]");
  // Selects in input blocks report only on submit; elsewhere they are actions of their own.
  if (select && !select.closest("[data-input-block]")) press(select, select.value);
});

const typingTimers = new WeakMap();
document.addEventListener("input", (event) => {
  const input = event.target.closest("[data-input]");
  if (!input) return;
  countCharacters(input);
  if (!(input.dataset.dispatch || "").includes("on_character_entered")) return;
  clearTimeout(typingTimers.get(input));
  typingTimers.set(input, setTimeout(() => press(input, input.value), TYPING_PAUSE_MS));
});

document.addEventListener("keydown", (event) => {
  const input = event.target.closest("input[data-input]");
  if (event.key === "Enter" && input && (input.dataset.dispatch || "").includes("on_enter_pressed")) {
    event.preventDefault();
    press(input, input.value);
  }
});

function countCharacters(input) {
  const counter = input.closest("[data-input-block]")?.querySelector(".char-count");
  if (counter) counter.textContent = `${input.value.length}/${input.maxLength}`;
}

// -- modals -------------------------------------------------------------------------------------------
function currentModal() {
  return document.querySelector("#modal-root form.modal");
}

// A new rendering of the open modal keeps what the visitor typed in every input whose block_id and
// action_id did not change, as Slack does: the live element (value, caret, focus) moves into the new one.
function showModal(html) {
  const root = document.getElementById("modal-root");
  const current = currentModal();
  if (!html) {
    root.replaceChildren();
    return;
  }
  const next = fragment(html);
  const focused = document.activeElement;
  const caret = focused && "selectionStart" in focused ? [focused.selectionStart, focused.selectionEnd] : null;
  if (current && current.dataset.viewId === next.dataset.viewId) {
    for (const input of next.querySelectorAll("[data-input]")) {
      const kept = current.querySelector(
        `[data-input][data-block-id="${CSS.escape(input.dataset.blockId)}"][data-action-id="${CSS.escape(input.dataset.actionId)}"]`);
      if (kept) input.replaceWith(kept);
    }
  }
  root.replaceChildren(next);
  next.querySelectorAll("[data-input]").forEach(countCharacters);
  if (focused && next.contains(focused)) {
    focused.focus();
    if (caret) focused.setSelectionRange(...caret);
  } else if (!current || current.dataset.viewId !== next.dataset.viewId) {
    next.querySelector("[data-input]")?.focus();
  }
}

function modalValues(form) {
  const values = {};
  for (const block of form.querySelectorAll("[data-input-block]")) {
    const element = block.querySelector("[data-action-id]");
    if (!element) continue;
    const value = element.value === "" ? null : element.value;
    if (element.tagName === "SELECT" && value === null) continue; // nothing chosen: Slack sends no value
    values[block.dataset.inputBlock] = {[element.dataset.actionId]: value};
  }
  return values;
}

document.addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  if (form.matches("form.modal")) {
    await send("/_workspace/submit", {view_id: form.dataset.viewId, values: modalValues(form)});
  } else if (form.id === "composer") {
    const input = form.elements.text;
    const text = input.value.trim();
    if (!text) return;
    const result = await send("/_workspace/command", {channel, text});
    if (!result.error) input.value = "";
  }
});

async function closeModal() {
  const form = currentModal();
  if (form) await send("/_workspace/close", {view_id: form.dataset.viewId});
}

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && currentModal()) closeModal();
});

// -- threads, the Home tab, the teammates ---------------------------------------------------------------
async function showThread(ts) {
  const query = new URLSearchParams({channel, ts, as: user});
  const answer = await fetch(`/_workspace/thread?${query}`);
  if (!answer.ok) return say("That thread is gone.");
  const pane = document.getElementById("thread");
  pane.innerHTML = (await answer.json()).html;
  pane.hidden = false;
  openThread = ts;
}

function hideThread() {
  const pane = document.getElementById("thread");
  pane.hidden = true;
  pane.replaceChildren();
  openThread = null;
}

async function toggleTeammates() {
  const state = document.querySelector("[data-teammates-state]");
  const result = await send("/_workspace/teammates", {on: state.textContent !== "on"});
  state.textContent = result.on ? "on" : "paused";
  document.querySelector("[data-teammates-toggle]").textContent = result.on ? "Pause" : "Resume";
}

// -- live updates ---------------------------------------------------------------------------------------
function applyMessage(change) {
  const messages = document.getElementById("messages");
  const thread = document.querySelector("#thread .thread-messages");
  if (change.deleted) {
    removeMessage(messages, change.ts);
    removeMessage(thread?.querySelector(".replies"), change.ts);
    return;
  }
  if (messages && change.html) place(messages, change.ts, change.html);
  if (thread && openThread && change.thread_html) {
    if (change.ts === openThread) {
      thread.querySelector(byTs(":scope > .message", change.ts))?.replaceWith(fragment(change.thread_html));
    } else if (change.root === openThread) {
      place(thread.querySelector(".replies"), change.ts, change.thread_html);
    }
  }
}

function applySurfaces(surfaces) {
  showModal(surfaces.modal);
  const home = document.getElementById("home");
  if (home) home.innerHTML = surfaces.home;
  const messages = document.getElementById("messages");
  if (!messages) return;
  const shown = new Set(surfaces.ephemerals.map((e) => e.ts));
  messages.querySelectorAll(":scope > .ephemeral").forEach((e) => shown.has(e.dataset.ts) || e.remove());
  for (const ephemeral of surfaces.ephemerals) place(messages, ephemeral.ts, ephemeral.html);
}

function markUnread(channels) {
  for (const id of channels) {
    const badge = document.querySelector(`[data-channel-link="${CSS.escape(id)}"] .unread`);
    if (badge) {
      badge.hidden = false;
      badge.textContent = String(Number(badge.textContent || 0) + 1);
    }
  }
}

async function listen() {
  let lost = false;
  for (;;) {
    const query = new URLSearchParams({after: revision, as: user});
    if (channel) query.set("channel", channel);
    try {
      const answer = await fetch(`/_workspace/changes?${query}`);
      if (!answer.ok) throw new Error(`changes: ${answer.status}`);
      const news = await answer.json();
      if (news.reload) return location.reload();
      news.messages.forEach(applyMessage);
      if (news.surfaces) applySurfaces(news.surfaces);
      markUnread(news.unread);
      revision = news.revision;
      if (lost) say("");
      lost = false;
    } catch (error) {
      lost = true;
      say("Lost the emulator; trying again…");
      await new Promise((resume) => setTimeout(resume, 1000)); // then ask again, once a second
    }
  }
}

const messages = document.getElementById("messages");
if (messages) messages.scrollTop = messages.scrollHeight;
if (page.tab === "home") send("/_workspace/home", {});
listen();
