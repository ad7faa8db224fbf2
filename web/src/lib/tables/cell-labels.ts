/**
 * Copies each column's header text onto the body cells under it (`data-label`), and again whenever rows change, so a
 * table stacked into cards on a phone can name every value (`td::before { content: attr(data-label) }`). Returns the
 * cleanup, as a Svelte attachment does.
 */
export function labelCells(table: HTMLTableElement): () => void {
  const label = () => {
    const headers = [...(table.tHead?.rows[0]?.cells ?? [])].map((cell) => cell.textContent?.trim() ?? "");
    for (const body of table.tBodies) {
      for (const row of body.rows) {
        let column = 0;
        for (const cell of row.cells) {
          // A cell across columns (a form under a row) belongs to none of them.
          const text = cell.colSpan === 1 ? (headers[column] ?? "") : "";
          if (cell.dataset.label !== text) cell.dataset.label = text;
          column += cell.colSpan;
        }
      }
    }
  };
  label();
  // Attributes are not watched: setting data-label does not call this again.
  const observer = new MutationObserver(label);
  observer.observe(table, { childList: true, subtree: true, characterData: true });
  return () => observer.disconnect();
}
