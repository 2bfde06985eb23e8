// The Account page: POP and LIT balances, the free fee quota left, minting LIT from POP and
// transferring either token, with each fee shown in the token that will pay it.

import { MultiAddress } from "@polkadot-api/descriptors";
import { Binary } from "polkadot-api";
import { signingAccounts, type Account } from "./accounts";
import { BEST, connect, rpcFromLink, rpcUrl } from "./chain";
import { estimate, submit } from "./tx";
import { format, LIT_DECIMALS, parse, POP_DECIMALS } from "./units";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const state = {
  phase: "loading" as "loading" | "ready" | "busy" | "done" | "error",
  message: "",
  pop: 0n,
  lit: 0n,
  quotaLeft: 0n,
  lastFee: "",
};
(window as unknown as { popAccount: typeof state }).popAccount = state;

function say(text: string, error = false) {
  state.message = text;
  $("message").textContent = text;
  $("message").classList.toggle("error", error);
}

const FIXED = 10n ** 18n;

async function main() {
  const chain = connect();
  const spec = await chain.client.getChainSpecData();
  const accounts = await signingAccounts(spec.name);
  if (accounts.length === 0) {
    throw new Error("No account to sign with: install the polkadot-js extension and allow this page.");
  }
  const select = $<HTMLSelectElement>("account");
  accounts.forEach((a, i) => select.append(new Option(`${a.name} · ${a.address}`, String(i))));
  const wanted = new URLSearchParams(location.search).get("as");
  const pre = accounts.findIndex((a) => a.name === wanted);
  if (pre >= 0) select.value = String(pre);
  const current = (): Account => accounts[Number(select.value)];
  const api = chain.api;

  const rate = await api.query.Lit.LitPerPop.getValue(BEST);
  $("rate").textContent = `${format((rate * 10n ** 9n) / FIXED, LIT_DECIMALS)} LIT per POP`;

  const refresh = async () => {
    const a = current();
    const [sys, lit] = await Promise.all([
      api.query.System.Account.getValue(a.address, BEST),
      api.query.LitBalances.Account.getValue(a.address, BEST),
    ]);
    state.pop = sys.data.free;
    state.lit = lit.free;
    $("pop").textContent = `${format(sys.data.free, POP_DECIMALS)} POP` +
      (sys.data.frozen > 0n ? ` (${format(sys.data.frozen, POP_DECIMALS)} bonded or locked)` : "");
    $("lit").textContent = `${format(lit.free, LIT_DECIMALS)} LIT`;
    const fee = await estimate(chain, api.tx.System.remark({ remark: Binary.fromText("") }), a);
    state.quotaLeft = fee.quotaLeft;
    $("quota").textContent = `${format(fee.quotaLeft, POP_DECIMALS)} POP of fees`;
  };
  select.addEventListener("change", () => refresh().catch((e) => say(String(e), true)));
  await refresh();

  // Mint: a preview of the LIT and the fee as the amount is typed.
  const mintForm = $<HTMLFormElement>("mint");
  const mintTx = () => {
    const pop = parse(String(new FormData(mintForm).get("pop")), POP_DECIMALS);
    // LIT base units for `pop` POP base units at the rate (12 → 9 decimals), 1% slippage.
    const lit = (pop * rate) / FIXED / 1000n;
    return { lit, tx: api.tx.Lit.mint({ pop_amount: pop, min_lit_out: (lit * 99n) / 100n }) };
  };
  let mintSeq = 0;
  const preview = async () => {
    const seq = ++mintSeq;
    try {
      const { lit, tx } = mintTx();
      const fee = await estimate(chain, tx, current());
      if (seq !== mintSeq) return; // a later amount was typed meanwhile
      state.lastFee = fee.text;
      $("mint-preview").textContent = `≈ ${format(lit, LIT_DECIMALS)} LIT; fee: ${fee.text}`;
    } catch (e) {
      if (seq === mintSeq) $("mint-preview").textContent = (e as Error).message;
    }
  };
  mintForm.pop.addEventListener("input", () => void preview());
  mintForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    await run("Minting…", async () => {
      const { tx } = mintTx();
      const block = await submit(tx, current());
      await refresh();
      return `Minted in block ${block}: you now hold ${format(state.lit, LIT_DECIMALS)} LIT.`;
    });
  });

  // Transfer either token.
  const sendForm = $<HTMLFormElement>("transfer");
  const sendTx = () => {
    const data = new FormData(sendForm);
    const token = String(data.get("token"));
    const dest = MultiAddress.Id(String(data.get("to")).trim());
    const decimals = token === "LIT" ? LIT_DECIMALS : POP_DECIMALS;
    const value = parse(String(data.get("amount")), decimals);
    return token === "LIT"
      ? api.tx.LitBalances.transfer_keep_alive({ dest, value })
      : api.tx.Balances.transfer_keep_alive({ dest, value });
  };
  let sendSeq = 0;
  const feeOfSend = async () => {
    const seq = ++sendSeq;
    try {
      const fee = await estimate(chain, sendTx(), current());
      if (seq !== sendSeq) return;
      state.lastFee = fee.text;
      $("transfer-fee").textContent = `fee: ${fee.text}`;
    } catch (e) {
      if (seq === sendSeq) $("transfer-fee").textContent = (e as Error).message;
    }
  };
  sendForm.addEventListener("input", () => void feeOfSend());
  sendForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    await run("Sending…", async () => {
      const block = await submit(sendTx(), current());
      await refresh();
      return `Sent in block ${block}.`;
    });
  });

  state.phase = "ready";
  say(`Connected to ${spec.name}` + (rpcFromLink() ? ` at ${rpcUrl()}, the node this link names: check that you trust it before signing.` : "."));
}

async function run(doing: string, work: () => Promise<string>) {
  state.phase = "busy";
  say(doing);
  try {
    const done = await work();
    state.phase = "done";
    say(done);
  } catch (e) {
    state.phase = "error";
    say((e as Error).message, true);
  }
}

main().catch((e: unknown) => {
  state.phase = "error";
  say(`Cannot load the account: ${(e as Error)?.message ?? e}`, true);
});
