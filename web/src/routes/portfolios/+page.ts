import { redirect } from "@sveltejs/kit";

/** The portfolio list lives on the dashboard; `/portfolios` is only an address people may type. */
export const load = () => {
  redirect(307, "/");
};
