import { type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { countRegionsByLevel } from '#app/models/region.server.ts'
import { LEVELS } from '#app/models/region-code.ts'
import { PAIRING_KINDS } from '#app/models/pairing.schema.ts'
import { countActivePairingsByKind, countKeyCounties, countVerifiedOrgsByKind, getRolePanel } from '#app/models/stats.server.ts'
import { getRequestContext } from '#app/utils/auth.server.ts'
import { WorkPanel } from '#app/components/work-panel.tsx'
import { getWorkPanel } from '#app/models/home.server.ts'

export const meta: MetaFunction = () => [
	{ title: '帮扶 Bangfu · 乡村振兴帮扶平台' },
	{ name: 'description', content: '乡村振兴帮扶供需对接平台：村庄提出需求，帮扶力量认领对接，主管部门审核监督。' },
]

// Two figures side by side even on a 360 px phone.
const FIGURE_GRID = { gridTemplateColumns: 'repeat(auto-fill, minmax(130px, 1fr))' }

export async function loader({ request }: LoaderFunctionArgs) {
	const { db, actor } = await getRequestContext(request)
	const [regions, keyCounties, orgs, pairings, panel, work] = await Promise.all([
		countRegionsByLevel(db),
		countKeyCounties(db),
		countVerifiedOrgsByKind(db),
		countActivePairingsByKind(db),
		actor ? getRolePanel(db, actor) : null,
		actor ? getWorkPanel(db, actor) : null,
	])
	return { regions, keyCounties, orgs, pairings, panel, work, displayName: actor?.displayName ?? null }
}

export default function HomePage() {
	const { t, i18n } = useTranslation()
	const { regions, keyCounties, orgs, pairings, panel, work, displayName } = useLoaderData<typeof loader>()
	const n = (x: number) => x.toLocaleString(i18n.language)
	return (
		<>
			{panel ? (
				<section className="card" aria-labelledby="role-panel">
					<h1 id="role-panel" style={{ marginTop: 0 }}>{t('home.welcome', { name: displayName })}</h1>
					{panel.isNationalAdmin ? <p className="notice">{t('home.national_admin_note')}</p> : null}
					{panel.isOfficial && !panel.isNationalAdmin ? (
						<p>
							{t('home.jurisdiction')}{' '}
							{panel.jurisdictions.map((j, i) => (
								<span key={j.code}>
									{i ? '、' : null}
									<Link to={`/regions/${j.code}`}>{j.name}</Link>
								</span>
							))}
						</p>
					) : null}
					{panel.isOfficial ? (
						<p>
							{panel.reviewCount ? (
								<>
									<strong className="stat">{n(panel.reviewCount)}</strong> {t('home.review_waiting', { count: panel.reviewCount })}{' '}
									<Link to="/review" className="button">
										{t('home.go_review')}
									</Link>
								</>
							) : (
								<>
									{t('home.review_none')} <Link to="/review">{t('home.go_review')}</Link>
								</>
							)}
						</p>
					) : null}
					<h2>{t('home.my_orgs')}</h2>
					{panel.orgs.length ? (
						<ul className="plain">
							{panel.orgs.map((o) => (
								<li key={o.id}>
									<Link to={`/orgs/${o.id}`}>{o.name}</Link> · {t(`vocab.org_kind.${o.kind}`)}{' '}
									<span className={`tag ${o.status}`}>{t(`vocab.org_status.${o.status}`)}</span>
									{o.kind === 'village' && o.regionCode ? (
										<>
											{' · '}
											<Link to={`/regions/${o.regionCode}`}>{t('home.village_page')}</Link>
										</>
									) : null}
									{o.reviewer ? (
										<div className="muted">
											{o.reviewer.code ? (
												<>
													{t('home.awaiting_review_by')} <Link to={`/regions/${o.reviewer.code}`}>{o.reviewer.name}</Link> {t('home.awaiting_review_officials')}
												</>
											) : (
												t('home.awaiting_national_review')
											)}
										</div>
									) : null}
								</li>
							))}
						</ul>
					) : (
						<p className="muted">
							{t('home.no_orgs')} <Link to="/orgs/new">{t('home.register_org')}</Link>
						</p>
					)}
				</section>
			) : null}
			{work ? <WorkPanel panel={work} /> : null}

			<section className="card">
				{panel ? <h2 style={{ marginTop: 0 }}>{t('home.about_title')}</h2> : <h1>{t('home.about_title')}</h1>}
				<p>{t('home.about')}</p>
				{panel ? null : (
					<p className="row" style={{ alignItems: 'center' }}>
						<Link to="/login" className="button" style={{ flex: '0 0 auto' }}>
							{t('home.login')}
						</Link>
						<Link to="/signup" className="button secondary" style={{ flex: '0 0 auto' }}>
							{t('home.signup')}
						</Link>
					</p>
				)}
			</section>

			<section className="card" aria-labelledby="figures">
				<h2 id="figures" style={{ marginTop: 0 }}>{t('home.figures')}</h2>
				<h3>{t('home.regions_by_level')}</h3>
				<div className="grid" style={FIGURE_GRID}>
					{LEVELS.map((level) => (
						<div key={level}>
							<div className="stat">{n(regions[level] ?? 0)}</div>
							<div className="muted">{t(`home.level_count.${level}`)}</div>
						</div>
					))}
					<div>
						<div className="stat">{n(keyCounties)}</div>
						<div className="muted">
							<Link to="/regions#key-counties">{t('vocab.key_county')}</Link>
						</div>
					</div>
				</div>
				<h3>{t('home.orgs_by_kind')}</h3>
				<div className="grid" style={FIGURE_GRID}>
					{/* The model returns every kind, in display order. */}
					{Object.entries(orgs).map(([kind, count]) => (
						<div key={kind}>
							<div className="stat">{n(count)}</div>
							<div className="muted">
								<Link to={`/orgs?kind=${kind}`}>{t(`vocab.org_kind.${kind}`)}</Link>
							</div>
						</div>
					))}
				</div>
				<h3>{t('home.pairings_by_kind')}</h3>
				<div className="grid" style={FIGURE_GRID}>
					{PAIRING_KINDS.map((kind) => (
						<div key={kind}>
							<div className="stat">{n(pairings[kind])}</div>
							<div className="muted">
								<Link to={`/pairings?kind=${kind}`}>{t(`vocab.pairing_kind.${kind}`)}</Link>
							</div>
						</div>
					))}
				</div>
			</section>

			<section className="card" aria-labelledby="explore">
				<h2 id="explore" style={{ marginTop: 0 }}>{t('home.explore')}</h2>
				<ul className="plain">
					<li>
						<Link to="/regions">{t('home.link_regions')}</Link>
						<div className="muted">{t('home.link_regions_hint')}</div>
					</li>
					<li>
						<Link to="/orgs">{t('home.link_orgs')}</Link>
						<div className="muted">{t('home.link_orgs_hint')}</div>
					</li>
					<li>
						<Link to="/pairings">{t('home.link_pairings')}</Link>
						<div className="muted">{t('home.link_pairings_hint')}</div>
					</li>
				</ul>
			</section>
		</>
	)
}
