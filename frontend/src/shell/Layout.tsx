import { useEffect, useRef, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link, NavLink, useLocation } from "react-router";
import { useAuth } from "../features/auth/AuthContext";
import { isAdmin, stepOf } from "../features/auth/session";
import { SignOutButton } from "../features/auth/SignOutButton";
import { useMailboxAvailable } from "../features/notifications/useMailboxAvailable";
import { LanguageSelect } from "./LanguageSelect";

/** The menu follows the session: account pages once fully signed in, admin for admins. */
function Navigation() {
  const { t } = useTranslation();
  const { state } = useAuth();
  const mailbox = useMailboxAvailable();
  const session = state.status === "signed_in" && stepOf(state.session) === "full" ? state.session : null;
  return (
    <nav aria-label={t("nav.label")} className="site-nav">
      <ul>
        <li>
          <NavLink to="/" end>
            {t("nav.home")}
          </NavLink>
        </li>
        {session ? (
          <li>
            <NavLink to="/appeals">{t("appeals.nav")}</NavLink>
          </li>
        ) : null}
        {session?.user.platform_roles.includes("coordinator") ? (
          <li>
            <NavLink to="/recipients">{t("outreachRecipients.nav")}</NavLink>
          </li>
        ) : null}
        {session?.user.platform_roles.includes("coordinator") ? (
          <li>
            <NavLink to="/outreach">{t("outreachDashboard.nav")}</NavLink>
          </li>
        ) : null}
        {session ? (
          <li>
            <NavLink to="/account">{t("nav.account")}</NavLink>
          </li>
        ) : null}
        {session && isAdmin(session) ? (
          <li>
            <NavLink to="/admin">{t("nav.admin")}</NavLink>
          </li>
        ) : null}
        <li>
          <NavLink to="/status">{t("nav.status")}</NavLink>
        </li>
        {mailbox ? (
          <li>
            <NavLink to="/dev/mailbox">{t("nav.mailbox")}</NavLink>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}

function UserMenu() {
  const { t } = useTranslation();
  const { state } = useAuth();
  const { pathname } = useLocation();
  if (state.status === "signed_in") {
    return (
      <div className="user-menu">
        <span className="user-menu__name" data-testid="signed-in-user">
          {state.session.user.display_name}
        </span>
        <SignOutButton />
      </div>
    );
  }
  if (state.status === "anonymous" && pathname !== "/sign-in") {
    return (
      <Link to="/sign-in" className="button button--on-brand">
        {t("signIn.title")}
      </Link>
    );
  }
  return null;
}

export function Layout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const mainRef = useRef<HTMLElement>(null);
  const { pathname } = useLocation();
  const firstRender = useRef(true);

  // After client-side navigation, move focus to the new page so screen readers announce it
  // and keyboard users continue from the top of the content (not on the first load).
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    mainRef.current?.focus();
  }, [pathname]);

  return (
    <>
      <a className="skip-link" href="#main">
        {t("skipLink")}
      </a>
      <header className="site-header">
        <div className="site-header__inner">
          <Link to="/" className="brand">
            Accord
          </Link>
          <Navigation />
          <div className="site-header__end">
            <LanguageSelect />
            <UserMenu />
          </div>
        </div>
      </header>
      <main id="main" ref={mainRef} tabIndex={-1} className="site-main">
        {children}
      </main>
    </>
  );
}
