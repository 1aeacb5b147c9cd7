import { Route, Routes } from "react-router";
import { HomePage } from "./features/home/HomePage";
import { StatusPage } from "./features/status/StatusPage";
import { Layout } from "./shell/Layout";
import { NotFoundPage } from "./shell/NotFoundPage";

/** The routes inside the page shell; main.tsx supplies the router (tests use a MemoryRouter). */
export function App() {
  return (
    <Layout>
      <Routes>
        <Route path="/" element={<HomePage />} />
        <Route path="/status" element={<StatusPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
    </Layout>
  );
}
