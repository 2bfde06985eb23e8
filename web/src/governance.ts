// The Governance page: ongoing referenda with their tracks, tallies and deadlines; a vote with
// conviction on each; and delegations of a track's voting power.

import { ConvictionVotingVoteAccountVote, MultiAddress, VotingConviction } from "@polkadot-api/descriptors";
import { signingAccounts, type Account } from "./accounts";
import { BEST, connect, rpcFromLink, rpcUrl } from "./chain";
import { submit } from "./tx";
import { format, parse, POP_DECIMALS } from "./units";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const CONVICTIONS = ["None", "Locked1x", "Locked2x", "Locked3x", "Locked4x", "Locked5x", "Locked6x"] as const;
const LABEL = ["0.1× (no lock)", "1× (1 period)", "2× (2 periods)", "3× (4 periods)", "4× (8 periods)", "5× (16 periods)", "6× (32 periods)"];

interface Row {
  index: number;
  track: string;
  ayes: string;
  nays: string;
  support: string;
}
const state = {
  phase: "loading" as "loading" | "ready" | "busy" | "done" | "error",
  message: "",
  referenda: [] as Row[],
};
(window as unknown as { popGovernance: typeof state }).popGovernance = state;

function say(text: string, error = false) {
  state.message = text;
  $("message").textContent = text;
  $("message").classList.toggle("error", error);
}

async function run(doing: string, work: () => Promise<string>) {
  state.phase = "busy";
  say(doing);
  try {
    say(await work());
    state.phase = "done";
  } catch (e) {
    state.phase = "error";
    say((e as Error).message, true);
  }
}

const conviction = (i: number) => VotingConviction[CONVICTIONS[i]]();

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

  // Track names are fixed-size on chain, padded with zero bytes.
  const tracks = new Map(
    (await api.constants.Referenda.Tracks()).map(([id, t]) => [id, { ...t, name: t.name.replace(/\0+$/, "") }]),
  );
  const form = $<HTMLFormElement>("delegate");
  for (const [id, t] of tracks) form.track.append(new Option(t.name, String(id)));
  CONVICTIONS.forEach((_, i) => form.conviction.append(new Option(LABEL[i], String(i))));

  const refresh = async () => {
    const [entries, best] = await Promise.all([
      api.query.Referenda.ReferendumInfoFor.getEntries(BEST),
      chain.client.getFinalizedBlock(),
    ]);
    const body = $<HTMLTableElement>("referenda").tBodies[0];
    body.replaceChildren();
    state.referenda = [];
    const ongoing = entries
      .filter((e) => e.value.type === "Ongoing")
      .sort((a, b) => a.keyArgs[0] - b.keyArgs[0]);
    for (const e of ongoing) {
      if (e.value.type !== "Ongoing") continue;
      const r = e.value.value;
      const index = e.keyArgs[0];
      const track = tracks.get(r.track);
      const deadline = r.deciding
        ? r.deciding.since + (track?.decision_period ?? 0)
        : r.submitted + (track?.prepare_period ?? 0);
      const row: Row = {
        index,
        track: track?.name ?? String(r.track),
        ayes: String(r.tally.ayes),
        nays: String(r.tally.nays),
        support: String(r.tally.support),
      };
      state.referenda.push(row);
      const tr = body.insertRow();
      tr.dataset.index = String(index);
      const cell = (text: string) => (tr.insertCell().textContent = text);
      cell(String(index));
      cell(row.track);
      cell(`${format(r.tally.ayes, POP_DECIMALS)} POP`);
      cell(`${format(r.tally.nays, POP_DECIMALS)} POP`);
      cell(`${format(r.tally.support, POP_DECIMALS)} POP`);
      cell(`${r.deciding ? "decided by" : "deciding from"} block ${deadline} (${Math.max(0, deadline - best.number)} blocks)`);
      const vote = tr.insertCell();
      vote.innerHTML = `<form class="vote">
        <select name="side"><option value="aye">Aye</option><option value="nay">Nay</option></select>
        <select name="conviction">${LABEL.map((l, i) => `<option value="${i}">${l}</option>`).join("")}</select>
        <input name="amount" inputmode="decimal" placeholder="POP" required size="8" />
        <button>Vote</button></form>`;
      const f = vote.querySelector("form")!;
      f.addEventListener("submit", (ev) => {
        ev.preventDefault();
        void run(`Voting on referendum ${index}…`, async () => {
          const data = new FormData(f);
          const aye = data.get("side") === "aye";
          const c = Number(data.get("conviction"));
          const balance = parse(String(data.get("amount")), POP_DECIMALS);
          const tx = api.tx.ConvictionVoting.vote({
            poll_index: index,
            vote: ConvictionVotingVoteAccountVote.Standard({ vote: (aye ? 0x80 : 0) | c, balance }),
          });
          const block = await submit(tx, current());
          await refresh();
          return `Voted ${aye ? "aye" : "nay"} on referendum ${index} in block ${block}.`;
        });
      });
    }
    if (ongoing.length === 0) {
      body.insertRow().insertCell().textContent = "No referendum is open.";
    }
    // This account's delegations, per track.
    const mine = await Promise.all(
      [...tracks.keys()].map(async (id) => [id, await api.query.ConvictionVoting.VotingFor.getValue(current().address, id, BEST)] as const),
    );
    const delegating = mine.flatMap(([id, v]) =>
      v.type === "Delegating"
        ? [`${tracks.get(id)?.name}: ${format(v.value.balance, POP_DECIMALS)} POP to ${v.value.target} (${v.value.conviction.type})`]
        : [],
    );
    $("delegations").textContent = delegating.length ? delegating.join("; ") : "This account delegates on no track.";
  };
  select.addEventListener("change", () => void refresh());
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const action = (ev.submitter as HTMLButtonElement | null)?.value;
    const data = new FormData(form);
    const track = Number(data.get("track"));
    void run(action === "undelegate" ? "Undelegating…" : "Delegating…", async () => {
      const tx =
        action === "undelegate"
          ? api.tx.ConvictionVoting.undelegate({ class: track })
          : api.tx.ConvictionVoting.delegate({
              class: track,
              to: MultiAddress.Id(String(data.get("to")).trim()),
              conviction: conviction(Number(data.get("conviction"))),
              balance: parse(String(data.get("amount")), POP_DECIMALS),
            });
      const block = await submit(tx, current());
      await refresh();
      return `${action === "undelegate" ? "Undelegated" : "Delegated"} in block ${block}.`;
    });
  });
  await refresh();
  state.phase = "ready";
  say(`Connected to ${spec.name}` + (rpcFromLink() ? ` at ${rpcUrl()}, the node this link names: check that you trust it before signing.` : "."));
}

main().catch((e: unknown) => {
  state.phase = "error";
  say(`Cannot load governance: ${(e as Error)?.message ?? e}`, true);
});
