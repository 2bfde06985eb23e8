// The start page: a content id and key become a Watch link (the key stays in the fragment,
// which the browser never sends to any server).
const form = document.querySelector<HTMLFormElement>("#open")!;
form.addEventListener("submit", (e) => {
  e.preventDefault();
  const data = new FormData(form);
  const hex = (v: FormDataEntryValue | null) => String(v ?? "").trim().replace(/^0x/, "").toLowerCase();
  location.href = `./watch.html?id=0x${hex(data.get("id"))}#${hex(data.get("key"))}`;
});
