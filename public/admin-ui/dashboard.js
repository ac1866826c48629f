// Staff dashboard: the little it needs beyond HTML. Dialogs open with Invoker Commands
// (<button commandfor command="show-modal">); this covers browsers without them, and
// re-opens as a modal a dialog the server rendered open (a form came back with errors).
(() => {
  if (!("command" in HTMLButtonElement.prototype)) {
    document.addEventListener("click", (event) => {
      const button = event.target instanceof Element ? event.target.closest("button[commandfor]") : null;
      const dialog = button && document.getElementById(button.getAttribute("commandfor"));
      if (!(dialog instanceof HTMLDialogElement)) return;
      const command = button.getAttribute("command");
      if (command === "show-modal") dialog.showModal();
      else if (command === "close") dialog.close();
    });
  }
  for (const dialog of document.querySelectorAll("dialog[open]")) {
    dialog.close();
    dialog.showModal();
  }
})();
