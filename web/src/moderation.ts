// The Moderation page: a creator's content with its state and the moderation set's verdict, an
// appeal (with a reason and a deposit) of content rejected or left for review, the ruling when
// governance has made one; and, for voters, the moderation track's open referenda.

import { Binary } from "polkadot-api";
import { signingAccounts, type Account } from "./accounts";
import { BEST, connect, rpcFromLink, rpcUrl } from "./chain";
import { submit } from "./tx";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const STATE: Record<string, string> = {
  Approved: "published",
  Pending: "waiting for the moderation set",
  NeedsReview: "left for people to review",
  Rejected: "rejected",
  Uploading: "uploading",
};

interface Row {
  id: string;
  status: string;
  verdict: string | null;
  /** Each voting member's score (P(explicit)), `null` where no classifier ran. */
  scores: (number | null)[];
  appeal: string | null;
}
const state = {
  phase: "loading" as "loading" | "ready" | "busy" | "done" | "error",
  message: "",
  content: [] as Row[],
  cases: [] as number[],
};
(window as unknown as { popModeration: typeof state }).popModeration = state;

function say(text: string, error = false) {
  state.message = text;
  $("message").textContent = text;
  $("message").classList.toggle("error", error);
}

async function main() {
  const chain = connect();
  const api = chain.api;
  const spec = await chain.client.getChainSpecData();
  const accounts = await signingAccounts(spec.name);
  if (accounts.length === 0) throw new Error("No account to sign with: install the polkadot-js extension.");
  const select = $<HTMLSelectElement>("account");
  accounts.forEach((a, i) => select.append(new Option(`${a.name} · ${a.address}`, String(i))));
  const pre = accounts.findIndex((a) => a.name === new URLSearchParams(location.search).get("as"));
  if (pre >= 0) select.value = String(pre);
  const current = (): Account => accounts[Number(select.value)];
  const tracks = await api.constants.Referenda.Tracks();
  const moderationTracks = new Set(tracks.filter(([, t]) => /moderation/i.test(t.name.replace(/\0+$/, ""))).map(([id]) => id));

  const refresh = async () => {
    const me = current().address;
    const entries = (await api.query.Content.Contents.getEntries(BEST)).filter((e) => e.value.creator === me);
    // Built apart and swapped in at once, so that two refreshes never mix their rows.
    const body = document.createElement("tbody");
    const rows: Row[] = [];
    for (const e of entries.sort((a, b) => b.value.registered_at - a.value.registered_at)) {
      const id = e.keyArgs[0];
      const info = e.value;
      const review = await api.apis.ContentApi.review(id);
      const d = info.decision;
      // Each voting member's own score, kept on chain with the certificate.
      const scores = ((await api.query.Content.MemberScores.getValue(id, BEST)) ?? []).map((s) =>
        s.score === undefined ? null : s.score / 1_000_000,
      );
      const verdict = d ? `${d.verdict.type} by ${d.signers} of the era-${d.era} set` : null;
      const scored = scores.length
        ? ` · scores ${scores.map((p) => (p === null ? "none" : p.toFixed(4))).join(", ")}`
        : "";
      const appeal = review.appeal
        ? `appealed in block ${review.appeal.filed}: “${Binary.toText(review.appeal.reason)}”`
        : review.ruling
          ? `ruled ${review.ruling.verdict.type} by governance in block ${review.ruling.at}: “${Binary.toText(review.ruling.reason)}”`
          : null;
      rows.push({ id, status: info.status.type, verdict, scores, appeal });
      const tr = body.insertRow();
      tr.dataset.id = id;
      tr.insertCell().textContent = `${id.slice(0, 18)}…`;
      tr.insertCell().textContent = Binary.toText(info.media_type);
      tr.insertCell().textContent = STATE[info.status.type] ?? info.status.type;
      tr.insertCell().textContent = verdict ? verdict + scored : "–";
      const cell = tr.insertCell();
      if (appeal) {
        cell.textContent = appeal;
      } else if (info.status.type === "Rejected" || info.status.type === "NeedsReview") {
        cell.innerHTML = `<form class="appeal"><input name="reason" required maxlength="512" placeholder="Why the verdict is wrong" /><button>Appeal</button></form>`;
        const f = cell.querySelector("form")!;
        f.addEventListener("submit", (ev) => {
          ev.preventDefault();
          const reason = String(new FormData(f).get("reason")).trim();
          void run("Filing the appeal…", async () => {
            if (new TextEncoder().encode(reason).length > 512) {
              throw new Error("The reason is longer than the chain keeps (512 bytes): shorten it.");
            }
            const block = await submit(api.tx.Content.appeal({ content: id, reason: Binary.fromText(reason) }), current());
            await refresh();
            return `Appeal filed in block ${block}: governance's moderation track decides.`;
          });
        });
      } else {
        cell.textContent = "–";
      }
    }
    if (entries.length === 0) body.insertRow().insertCell().textContent = "This account has uploaded nothing.";
    $<HTMLTableElement>("content").tBodies[0].replaceWith(body);
    state.content = rows;

    // The moderation track's open referenda.
    const open = (await api.query.Referenda.ReferendumInfoFor.getEntries(BEST)).filter(
      (e) => e.value.type === "Ongoing" && moderationTracks.has(e.value.value.track),
    );
    state.cases = open.map((e) => e.keyArgs[0]);
    const list = $("cases");
    list.replaceChildren();
    for (const index of state.cases) {
      const li = document.createElement("li");
      li.innerHTML = `Referendum ${index}: <a href="./governance.html#${index}">vote on the Governance page</a>`;
      list.append(li);
    }
    if (state.cases.length === 0) list.textContent = "No moderation case is open.";
  };

  const run = async (doing: string, work: () => Promise<string>) => {
    state.phase = "busy";
    say(doing);
    try {
      say(await work());
      state.phase = "done";
    } catch (e) {
      state.phase = "error";
      say((e as Error).message, true);
    }
  };
  select.addEventListener("change", () => void refresh());
  await refresh();
  state.phase = "ready";
  say(`Connected to ${spec.name}` + (rpcFromLink() ? ` at ${rpcUrl()}, the node this link names: check that you trust it before signing.` : "."));
}

main().catch((e: unknown) => {
  state.phase = "error";
  say(`Cannot load moderation: ${(e as Error)?.message ?? e}`, true);
});
