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
  // Schedule change: only the chosen action's fields (the others are disabled, so not sent).
  for (const select of document.querySelectorAll("select[data-schedule-action]")) {
    const form = select.form;
    const show = () => {
      for (const part of form.querySelectorAll("[data-action]")) {
        const on = part.getAttribute("data-action").split(" ").includes(select.value);
        part.hidden = !on;
        if (part instanceof HTMLFieldSetElement) part.disabled = !on;
      }
    };
    select.addEventListener("change", show);
    show();
  }
  // A UTC date and time field, also read out in the browser's own time zone.
  for (const output of document.querySelectorAll("output[data-local-time-of]")) {
    const input = document.getElementById(output.getAttribute("data-local-time-of"));
    const show = () => {
      const instant = input.value ? new Date(`${input.value}Z`) : null;
      output.textContent =
        instant && !Number.isNaN(instant.getTime())
          ? `That is ${instant.toLocaleString(undefined, { dateStyle: "full", timeStyle: "short" })} in your time zone (${Intl.DateTimeFormat().resolvedOptions().timeZone}).`
          : "";
    };
    input.addEventListener("input", show);
    show();
  }
  for (const dialog of document.querySelectorAll("dialog[open]")) {
    dialog.close();
    dialog.showModal();
  }
})();
