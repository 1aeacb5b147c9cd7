/** The coordinators' dashboard (app/outreach/dashboard) over the generated client. */
import { api } from "../../../api/client";
import { unwrap } from "../../../api/problem";
import type { components } from "../../../api/schema";

type Schemas = components["schemas"];
export type Dashboard = Schemas["DashboardRead"];
export type Figures = Schemas["AppealFigures"] | Schemas["CountryFigures"];

export const getDashboard = () => unwrap(api.GET("/api/outreach/dashboard"));
