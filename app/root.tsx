import { type LinksFunction, type LoaderFunctionArgs, data } from '@remix-run/node'
import {
	Form,
	Link,
	Links,
	Meta,
	NavLink,
	Outlet,
	Scripts,
	ScrollRestoration,
	isRouteErrorResponse,
	useLocation,
	useRouteError,
	useRouteLoaderData,
} from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { useChangeLanguage } from 'remix-i18next/react'
import { getNavigation } from './models/navigation.server.ts'
import { i18next } from './i18next.server.ts'
import appCss from './styles/app.css?url'
import { getRequestContext } from './utils/auth.server.ts'
import { tm } from './utils/i18n-message.ts'
import { useNonce } from './utils/nonce.ts'

// An inline icon: no extra request, and no public/ folder to keep.
const FAVICON = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="12" fill="#b71c1c"/><text x="32" y="46" font-size="40" text-anchor="middle" fill="#fff" font-family="sans-serif">帮</text></svg>')}`

export const links: LinksFunction = () => [
	{ rel: 'stylesheet', href: appCss },
	{ rel: 'icon', href: FAVICON },
]

export async function loader({ request }: LoaderFunctionArgs) {
	const locale = await i18next.getLocale(request)
	const { db, actor } = await getRequestContext(request)
	return data({ locale, nav: await getNavigation(db, actor), demo: process.env.BANGFU_DEMO === '1' })
}

export const handle = { i18n: 'translation' }

export function useRootData() {
	return useRouteLoaderData<typeof loader>('root')
}

function Header() {
	const { t } = useTranslation()
	const root = useRootData()
	const location = useLocation()
	const nav = root?.nav
	const here = location.pathname + location.search
	const hasVillage = nav?.orgs.some((o) => o.kind === 'village' && o.status === 'verified')
	return (
		<header className="site">
			<div className="bar">
				<Link to="/" className="brand">
					{t('app.name')}
				</Link>
				<nav aria-label={t('nav.main')}>
					<ul>
						<li>
							<NavLink to="/needs">{t('nav.needs')}</NavLink>
						</li>
						<li>
							<NavLink to="/offers">{t('nav.offers')}</NavLink>
						</li>
						<li>
							<NavLink to="/projects">{t('nav.projects')}</NavLink>
						</li>
						<li>
							<NavLink to="/regions">{t('nav.regions')}</NavLink>
						</li>
						<li>
							<NavLink to="/orgs">{t('nav.orgs')}</NavLink>
						</li>
						<li>
							<NavLink to="/pairings">{t('nav.pairings')}</NavLink>
						</li>
						{nav?.isOfficial ? (
							<li>
								<NavLink to="/review">
									{t('nav.review')}{' '}
									{nav.reviewCount + nav.needReviewCount ? <span className="badge">{nav.reviewCount + nav.needReviewCount}</span> : null}
								</NavLink>
							</li>
						) : null}
						{nav?.isOfficial ? (
							<>
								<li>
									<NavLink to="/dashboard">{t('nav.dashboard')}</NavLink>
								</li>
								<li>
									<NavLink to="/supervision">{t('nav.supervision')}</NavLink>
								</li>
							</>
						) : null}
						{nav ? (
							<li>
								<NavLink to="/commendations">{t('nav.commendations')}</NavLink>
							</li>
						) : null}
						<li>
							<NavLink to="/honors">{t('nav.honors')}</NavLink>
						</li>
						{nav?.orgs.some((o) => o.status === 'verified' && o.kind !== 'government') ? (
							<li>
								<NavLink to="/commitments">{t('commitment.list_title')}</NavLink>
							</li>
						) : null}
						{hasVillage ? (
							<li>
								<NavLink to={`/orgs/${nav?.orgs.find((o) => o.kind === "village" && o.status === "verified")?.id}`}>{t("nav.my_village")}</NavLink>
							</li>
						) : null}
						{nav ? (
							<li>
								{/* The unread count is named in hidden text, not aria-label: the accessible name must contain the visible label (WCAG 2.5.3). */}
								<NavLink to="/inbox">
									{nav.unreadCount ? (
										<>
											<span aria-hidden="true">
												{t('notification.nav')} <span className="badge">{nav.unreadCount > 99 ? '99+' : nav.unreadCount}</span>
											</span>
											<span className="sr-only">{t('notification.nav_unread', { count: nav.unreadCount })}</span>
										</>
									) : (
										t('notification.nav')
									)}
								</NavLink>
							</li>
						) : null}
						{nav ? (
							<li>
								<NavLink to="/settings">{nav.displayName}</NavLink>
							</li>
						) : null}
					</ul>
				</nav>
				<LanguageSwitch redirectTo={here} />
				{nav ? (
					<Form method="post" action="/logout">
						<button type="submit" className="link">
							{t('nav.logout')}
						</button>
					</Form>
				) : (
					<span>
						<Link to={`/login?redirectTo=${encodeURIComponent(here)}`}>{t('nav.login')}</Link>
						{' · '}
						<Link to="/signup">{t('nav.signup')}</Link>
					</span>
				)}
			</div>
		</header>
	)
}

function LanguageSwitch({ redirectTo }: { redirectTo: string }) {
	const { t, i18n } = useTranslation()
	const other = i18n.language === 'en' ? 'zh-CN' : 'en'
	return (
		<Form method="post" action="/lang">
			<input type="hidden" name="lng" value={other} />
			<input type="hidden" name="redirectTo" value={redirectTo} />
			<button type="submit" className="link" lang={other} title={t("nav.switch_language")}>
				{other === 'en' ? 'English' : '中文'}
			</button>
		</Form>
	)
}

export function Layout({ children }: { children: React.ReactNode }) {
	const root = useRootData()
	const { t } = useTranslation()
	const nonce = useNonce()
	const locale = root?.locale ?? 'zh-CN'
	useChangeLanguage(locale)
	return (
		<html lang={locale}>
			<head>
				<meta charSet="utf-8" />
				<meta name="viewport" content="width=device-width, initial-scale=1" />
				<Meta />
				<Links />
			</head>
			<body>
				<a className="skip" href="#main">
					{t('nav.skip')}
				</a>
				{root?.demo ? <div className="demo-banner">{t('app.demo_banner')}</div> : null}
				<Header />
				<main id="main">{children}</main>
				<footer className="site">{t('app.footer')}</footer>
				<ScrollRestoration nonce={nonce} />
				<Scripts nonce={nonce} />
			</body>
		</html>
	)
}

export default function App() {
	return <Outlet />
}

export function ErrorBoundary() {
	const error = useRouteError()
	const { t } = useTranslation()
	let status = 500
	let message: string | undefined
	if (isRouteErrorResponse(error)) {
		status = error.status
		message = typeof error.data === 'object' && error.data && 'message' in error.data ? String(error.data.message) : undefined
	} else if (error instanceof Error) {
		console.error(error)
	}
	const kind = status === 404 ? 'not_found' : status === 403 ? 'forbidden' : status === 429 ? 'throttled' : status === 503 ? 'unavailable' : 'server'
	return (
		<div className="card" role="alert">
			<h1>
				{status} · {t(`error_page.${kind}.title`)}
			</h1>
			<p>{message && status < 500 ? tm(t, message) : t(`error_page.${kind}.body`)}</p>
			<p>
				<Link to="/">{t('error_page.home')}</Link>
			</p>
		</div>
	)
}
