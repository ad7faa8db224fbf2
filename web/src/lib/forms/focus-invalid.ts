import { tick } from "svelte";

/**
 * After the API rejected a form, move keyboard focus to the first field it complained about; when the complaint is
 * about no single field (a list's totals, a whole section), to that message (`data-form-error`, with tabindex -1).
 */
export async function focusFirstInvalid(form: HTMLElement | null): Promise<void> {
  await tick();
  const target =
    form?.querySelector<HTMLElement>('[aria-invalid="true"]') ?? form?.querySelector<HTMLElement>("[data-form-error]");
  target?.focus();
}
