// See https://svelte.dev/docs/kit/types#app.d.ts
import type { PortfolioFlash } from "#lib/portfolios/flash.ts";

declare global {
  namespace App {
    interface PageState {
      flash?: PortfolioFlash;
    }
  }
}
