// genelit's page: chat over /api/ask (server-sent events), a paper panel over /api/paper, reports over /api/report.
// Every piece of retrieved or generated text goes into the page through textContent, never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem("genelit-token") || "";

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

async function api(path, options = {}) {
  const headers = { ...(options.headers || {}) };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (options.json !== undefined) {
    headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(options.json);
  }
  const response = await fetch(path, { ...options, headers });
  if (response.status === 401) $("token-bar").hidden = false;
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      const body = await response.json();
      message = body.hint ? `${body.error} (${body.hint})` : body.error;
    } catch (_) { /* not JSON */ }
    throw new Error(message);
  }
  return response;
}

// -- citations --------------------------------------------------------------------------
const CITATION = /\[((?:PMID:\d+|M\d+)(?:,\s*(?:PMID:\d+|M\d+))*)\]|\[unsupported\]/g;

function citedText(text) {
  const out = el("div", "answer-text");
  let last = 0;
  for (const match of text.matchAll(CITATION)) {
    out.append(document.createTextNode(text.slice(last, match.index)));
    if (match[0] === "[unsupported]") {
      out.append(el("span", "unsupported", "[unsupported]"));
    } else {
      out.append("[");
      match[1].split(/,\s*/).forEach((id, i) => {
        if (i) out.append(", ");
        const link = el("a", "cite", id);
        link.href = id.startsWith("PMID:") ? `https://pubmed.ncbi.nlm.nih.gov/${id.slice(5)}/` : `#${id}`;
        link.dataset.cite = id;
        link.addEventListener("click", (event) => {
          event.preventDefault();
          if (id.startsWith("PMID:")) openPaper(id);
          else document.querySelector(`[data-output="${id}"]`)?.scrollIntoView({ behavior: "smooth" });
        });
        out.append(link);
      });
      out.append("]");
    }
    last = match.index + match[0].length;
  }
  out.append(document.createTextNode(text.slice(last)));
  return out;
}

// An answer's lines: "- " items become a list, other lines paragraphs; citations stay links in both.
function answerBody(text) {
  const body = el("div", "answer-body");
  let list = null;
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    const item = /^\s*[-•*]\s+(.*)$/.exec(line);
    if (item) {
      if (!list) body.append((list = el("ul", "answer-list")));
      const li = el("li");
      li.append(citedText(item[1]));
      list.append(li);
    } else {
      list = null;
      body.append(citedText(line));
    }
  }
  return body;
}

// The papers an answer cites, under it, as the CLI prints them.
function referenceList(citations) {
  const block = el("section", "references");
  block.append(el("h3", "", "References"));
  const list = el("ul");
  for (const c of citations.filter((c) => c.kind === "paper")) {
    const item = el("li");
    item.dataset.ref = c.id;
    const link = el("a", "cite", c.id);
    link.href = c.url;
    link.addEventListener("click", (event) => { event.preventDefault(); openPaper(c.id); });
    item.append(link, ` ${c.title} `, el("span", "muted", `${c.journal} (${c.year || "n.d."})`));
    list.append(item);
  }
  block.append(list);
  return block;
}

async function openPaper(id) {
  const panel = $("panel");
  panel.hidden = false;
  $("panel-id").textContent = id;
  $("panel-title").textContent = "loading…";
  $("panel-meta").textContent = $("panel-abstract").textContent = "";
  try {
    const paper = await (await api(`/api/paper/${encodeURIComponent(id)}`)).json();
    $("panel-title").textContent = paper.title;
    $("panel-meta").textContent = [paper.journal, paper.year].filter(Boolean).join(", ");
    $("panel-abstract").textContent = paper.abstract;
    $("panel-link").href = `https://pubmed.ncbi.nlm.nih.gov/${paper.pmid}/`;
  } catch (error) {
    $("panel-title").textContent = error.message;
  }
}

// -- variants ----------------------------------------------------------------------------------
// One dossier, by line of evidence: the score as ACMG computational evidence, the papers by kind and direction, the
// residue, the databases, and what is missing with why. The server sends the VariantDossier model as JSON.
function dossierCard(d) {
  const card = el("div", "dossier");
  card.append(el("strong", "", `${d.gene} ${d.hgvs || d.variant}`));
  const c = d.computational;
  if (c && c.error) card.append(el("div", "error", c.error));
  else if (c) {
    const e = c.evidence;
    const posterior = e ? ` · local posterior P(pathogenic) ${e.posterior.toFixed(3)} (${e.posterior_low.toFixed(3)}–${e.posterior_high.toFixed(3)})` : "";
    card.append(el("div", "", `Computational (PP3/BP4): ${c.interpretation} · ${c.scorer} score ${c.score}${posterior}`));
  }
  const lit = d.literature;
  if (lit) {
    const kinds = Object.entries(lit.kinds).map(([k, n]) => `${n} ${k}`).join(", ");
    card.append(el("div", "", `Literature: ${lit.papers} indexed paper(s) name it${kinds ? ` (${kinds})` : ""}`));
    const list = el("ul", "papers");
    for (const paper of lit.classified.slice(0, 8)) {
      const item = el("li");
      const link = el("a", "cite", paper.id);
      link.href = `https://pubmed.ncbi.nlm.nih.gov/${paper.id.slice(5)}/`;
      link.addEventListener("click", (event) => { event.preventDefault(); openPaper(paper.id); });
      item.append(link, ` ${paper.kind}, ${paper.direction}: `, el("span", "muted", paper.sentence || paper.title));
      list.append(item);
    }
    card.append(list);
  }
  if (d.residue) {
    const others = d.residue.others.map(([k, n]) => `${k} (${n})`).join(", ");
    card.append(el("div", "", `Residue ${d.residue.residue}: ${d.residue.papers} paper(s) name a change here` +
                   `${d.residue.hotspot ? " · hotspot" : ""}${others ? `; other changes: ${others}` : ""}`));
  }
  for (const record of (d.clinvar?.records || [])) {
    card.append(el("div", "", `ClinVar ${record.accession}: ${record.classification} (${record.review_status || "review status not given"})`));
  }
  for (const f of (d.population?.frequencies || [])) card.append(el("div", "", `dbSNP ${d.population.rsid} ${f.study}: ${f.allele} ${f.frequency}`));
  for (const line of d.missing) card.append(el("div", "muted", `missing: ${line}`));
  card.append(el("div", "muted", d.note));
  return card;
}

// -- model evidence -----------------------------------------------------------------------
function modelCards(outputs) {
  const cards = el("div", "cards");
  for (const output of outputs) {
    const card = el("div", "card");
    card.dataset.output = output.id;
    card.append(el("strong", "", `[${output.id}] ${output.tool}`), el("div", "", output.summary),
                el("div", "muted", `${output.model} · weights ${output.weights_hash} · input ${output.input}`));
    if (output.tool === "score_variant" || output.tool === "scan_protein") {
      const button = el("button", "", "Show the heatmap");
      button.type = "button";
      button.addEventListener("click", async () => {
        button.disabled = true;
        try {
          const gene = output.input.split(" ")[0];
          const scan = await (await api("/api/scan", { method: "POST", json: { gene } })).json();
          const image = el("img");
          image.alt = `saturation scan of ${gene}`;
          image.src = `data:image/png;base64,${scan.png_base64}`;
          button.replaceWith(image);
        } catch (error) {
          button.replaceWith(el("div", "error", error.message));
        }
      });
      card.append(button);
    }
    if (output.tool === "score_variant") {
      const more = el("button", "", "Show the dossier");
      more.type = "button";
      more.addEventListener("click", async () => {
        more.disabled = true;
        try {
          const [gene, variant] = output.input.split(" ");
          const found = await (await api("/api/variant", { method: "POST", json: { gene, variants: [variant] } })).json();
          more.replaceWith(dossierCard(found.dossiers[0]));
        } catch (error) {
          more.replaceWith(el("div", "error", error.message));
        }
      });
      card.append(more);
    }
    cards.append(card);
  }
  return cards;
}

// -- chat -------------------------------------------------------------------------------------
async function* serverEvents(response) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const kind = /^event: (.*)$/m.exec(block)?.[1] || "message";
      const data = block.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
      yield { kind, data: JSON.parse(data) };
    }
  }
}

async function ask(event) {
  event.preventDefault();
  const question = $("question").value.trim();
  if (!question) return;
  $("ask-button").disabled = true;
  $("messages").append(el("li", "message question", question));
  const reply = el("li", "message");
  reply.setAttribute("aria-busy", "true");
  const steps = el("ol", "steps");
  reply.append(steps);
  $("messages").append(reply);
  try {
    let draft = null;
    const response = await api("/api/ask", { method: "POST", json: { question, mode: $("mode").value } });
    for await (const { kind, data } of serverEvents(response)) {
      if (kind === "token") {  // the model's draft as it writes; the checked answer replaces it
        if (!draft) {
          draft = el("pre", "draft muted");
          reply.append(draft);
        }
        draft.textContent += data.text;
      } else if (kind === "answer") {
        draft?.remove();
        reply.append(answerBody(data.text));
        if (data.citations.some((c) => c.kind === "paper")) reply.append(referenceList(data.citations));
        if (data.notes.length) reply.append(el("div", "muted", `notes: ${data.notes.join("; ")}`));
        if (data.model_outputs.length) reply.append(modelCards(data.model_outputs));
        if (data.dropped.length) {  // drafted sentences the checks left out, dim, with why
          const footer = el("details", "muted dropped");
          footer.append(el("summary", "", `left out: ${data.dropped.length} drafted sentence(s) that did not pass the checks`));
          for (const item of data.dropped) footer.append(el("div", "", `${item.sentence} (${item.reason})`));
          reply.append(footer);
        }
        reply.append(el("div", "muted", `${data.mode} mode · ${data.timings.total ?? "?"} s`));
        reply.classList.add("answered");
      } else if (kind === "error") {
        reply.append(el("div", "error", data.hint ? `${data.error} (${data.hint})` : data.error));
      } else if (kind !== "observation") {  // steps and tool calls; a tool's raw output is too long to show
        steps.append(el("li", "", data.text));
      }
    }
  } catch (error) {
    reply.append(el("div", "error", error.message));
  } finally {
    reply.removeAttribute("aria-busy");
    $("ask-button").disabled = false;
  }
}

// -- reports ------------------------------------------------------------------------------------
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function report(event) {
  event.preventDefault();
  const topic = $("topic").value.trim();
  if (!topic) return;
  $("report-button").disabled = true;
  const steps = $("report-steps");
  steps.replaceChildren();
  $("report-downloads").replaceChildren();
  $("report-frame").hidden = true;
  try {
    let job = await (await api("/api/report", { method: "POST", json: { topic, mode: $("report-mode").value } })).json();
    while (job.status === "queued" || job.status === "running") {
      await sleep(1000);
      job = await (await api(`/api/report/${job.id}`)).json();
      steps.replaceChildren(...job.steps.map((text) => el("li", "", text)));
    }
    if (job.status === "failed" || job.status === "cancelled") throw new Error(job.error);
    steps.append(el("li", "", `${job.title}: ${job.references} references, ${job.figures} figures, ${job.seconds} s`));
    const html = await (await api(job.downloads.html)).text();
    $("report-frame").srcdoc = html;  // sandboxed: no scripts run inside
    $("report-frame").hidden = false;
    for (const [kind, url] of Object.entries(job.downloads)) {
      const button = el("button", "", `Download ${kind.toUpperCase()}`);
      button.type = "button";
      button.addEventListener("click", async () => {
        const blob = await (await api(url)).blob();
        const link = el("a");
        link.href = URL.createObjectURL(blob);
        link.download = `genelit-report.${kind}`;
        link.click();
        URL.revokeObjectURL(link.href);
      });
      $("report-downloads").append(button);
    }
  } catch (error) {
    steps.append(el("li", "error", error.message));
  } finally {
    $("report-button").disabled = false;
  }
}

// -- wiring ------------------------------------------------------------------------------------
function show(view) {
  for (const tab of document.querySelectorAll(".tab")) tab.setAttribute("aria-pressed", String(tab.dataset.view === view));
  for (const section of document.querySelectorAll(".view")) section.hidden = section.id !== view;
}

document.addEventListener("DOMContentLoaded", async () => {
  $("ask-form").addEventListener("submit", ask);
  $("report-form").addEventListener("submit", report);
  $("panel-close").addEventListener("click", () => { $("panel").hidden = true; });
  $("question").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) $("ask-form").requestSubmit();
  });
  for (const tab of document.querySelectorAll(".tab")) tab.addEventListener("click", () => show(tab.dataset.view));
  $("token-save").addEventListener("click", () => {
    token = $("token").value.trim();
    sessionStorage.setItem("genelit-token", token);
    $("token-bar").hidden = true;
  });
  try {
    const health = await (await fetch("/healthz")).json();
    $("status").textContent = `${health.papers.toLocaleString()} abstracts indexed · genelit ${health.version}`;
  } catch (_) {
    $("status").textContent = "the server does not answer";
  }
});
