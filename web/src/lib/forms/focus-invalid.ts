import { tick } from "svelte";

/** After the API rejected a form, move keyboard focus to the first field it complained about. */
export async function focusFirstInvalid(form: HTMLElement | null): Promise<void> {
  await tick();
  form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
}
