import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import type { OrgKind } from '#db/schema.ts'
import { ORG_KINDS } from '#app/models/organization.schema.ts'
import { listOrganizations } from '#app/models/organization.server.ts'
import { isRegionCode } from '#app/models/region-code.ts'
import { fullNames, searchRegions } from '#app/models/region.server.ts'
import { publicContext } from '#app/utils/auth.server.ts'

export const meta: MetaFunction = () => [{ title: '帮扶主体名录 · 帮扶 Bangfu' }]

const PAGE_SIZE = 20
// Far past any real page; keeps a hand-typed ?page= from asking the database for a huge offset.
const MAX_PAGE = 5000

export async function loader({ request }: LoaderFunctionArgs) {
	const url = new URL(request.url)
	const kindParam = url.searchParams.get('kind') ?? ''
	const kind = (ORG_KINDS as readonly string[]).includes(kindParam) ? (kindParam as OrgKind) : undefined
	// `?region=` is what other pages link with; the filter form sends `regionCode`.
	const region = (url.searchParams.get('regionCode') || url.searchParams.get('region') || '').trim().slice(0, 50)
	const q = (url.searchParams.get('q') ?? '').trim().slice(0, 100)
	const page = Math.min(Math.max(Math.floor(Number(url.searchParams.get('page'))) || 1, 1), MAX_PAGE)
	const regionCode = isRegionCode(region) ? region : undefined

	const { db } = publicContext()
	const [list, suggestions] = await Promise.all([
		listOrganizations(db, { kind, regionCode, q: q || undefined, page, pageSize: PAGE_SIZE }),
		// Not a code: treat the input as a place name and offer matching regions to filter by.
		region && !regionCode && !/^\d+$/.test(region) ? searchRegions(db, region, { limit: 8 }) : Promise.resolve([]),
	])
	const codes = [...list.rows.map((r) => r.regionCode), regionCode, ...suggestions.map((s) => s.code)].filter((c): c is string => !!c)
	const names = Object.fromEntries(await fullNames(db, codes))
	return {
		filters: { kind: kind ?? '', region, q },
		regionCode: regionCode ?? null,
		regionName: regionCode ? (names[regionCode] ?? null) : null,
		suggestions: suggestions.map((s) => ({ code: s.code, level: s.level, fullName: names[s.code] ?? s.name })),
		rows: list.rows.map((r) => ({
			id: r.id,
			name: r.name,
			kind: r.kind,
			subtype: r.subtype,
			isDemo: r.isDemo === 1,
			regionName: r.regionCode ? (names[r.regionCode] ?? r.regionName ?? r.regionCode) : null,
		})),
		total: list.total,
		page: list.page,
		pages: Math.max(1, Math.ceil(list.total / list.pageSize)),
	}
}

export default function OrgDirectory() {
	const { t } = useTranslation()
	const { filters, regionCode, regionName, suggestions, rows, total, page, pages } = useLoaderData<typeof loader>()
	const hasFilters = !!(filters.kind || filters.region || filters.q)

	const hrefWith = (changes: Record<string, string | number | null>) => {
		const params = new URLSearchParams()
		if (filters.kind) params.set('kind', filters.kind)
		if (filters.region) params.set('regionCode', filters.region)
		if (filters.q) params.set('q', filters.q)
		for (const [k, v] of Object.entries(changes)) {
			if (v === null || v === '') params.delete(k)
			else params.set(k, String(v))
		}
		const s = params.toString()
		return s ? `?${s}` : '.'
	}

	return (
		<>
			<div className="row" style={{ alignItems: 'baseline', justifyContent: 'space-between' }}>
				<h1 style={{ flex: '1 1 auto' }}>{t('orgs.title')}</h1>
				<p style={{ flex: '0 0 auto', margin: 0 }}>
					<Link to="/orgs/new">{t('orgs.register')}</Link>
				</p>
			</div>
			<p className="muted">{t('orgs.intro')}</p>

			<section className="card" aria-labelledby="org-filters">
				<h2 id="org-filters" style={{ marginTop: 0 }}>
					{t('orgs.filters')}
				</h2>
				<Form method="get" role="search">
					<div className="row">
						<div className="field">
							<label htmlFor="f-kind">{t('orgs.filter_kind')}</label>
							<select id="f-kind" name="kind" defaultValue={filters.kind}>
								<option value="">{t('orgs.all_kinds')}</option>
								{ORG_KINDS.map((k) => (
									<option key={k} value={k}>
										{t(`vocab.org_kind.${k}`)}
									</option>
								))}
							</select>
						</div>
						<div className="field">
							<label htmlFor="f-region">{t('orgs.filter_region')}</label>
							<input id="f-region" name="regionCode" defaultValue={filters.region} inputMode="search" aria-describedby="f-region-hint" />
							<small id="f-region-hint" className="hint">
								{t('orgs.filter_region_hint')}
							</small>
						</div>
						<div className="field">
							<label htmlFor="f-q">{t('orgs.filter_q')}</label>
							<input id="f-q" name="q" type="search" defaultValue={filters.q} maxLength={100} />
						</div>
					</div>
					<p className="row" style={{ alignItems: 'center', margin: 0 }}>
						<button type="submit" style={{ flex: '0 0 auto' }}>
							{t('orgs.apply')}
						</button>
						{hasFilters ? (
							<Link to="." style={{ flex: '0 0 auto' }}>
								{t('orgs.reset')}
							</Link>
						) : null}
					</p>
				</Form>
			</section>

			{filters.region && !regionCode ? (
				<div className="card" role="status">
					{/^\d+$/.test(filters.region) ? (
						<p style={{ margin: 0 }}>{t('orgs.region_invalid', { value: filters.region })}</p>
					) : suggestions.length ? (
						<>
							<p style={{ marginTop: 0 }}>{t('orgs.region_suggestions', { value: filters.region })}</p>
							<ul className="plain">
								{suggestions.map((s) => (
									<li key={`${s.code}-${s.level}`}>
										<Link to={hrefWith({ regionCode: s.code, page: null })}>{s.fullName}</Link>{' '}
										<span className="muted">
											{t(`vocab.level.${s.level}`)} · {s.code}
										</span>
									</li>
								))}
							</ul>
						</>
					) : (
						<p style={{ margin: 0 }}>{t('orgs.region_no_match', { value: filters.region })}</p>
					)}
				</div>
			) : null}

			{regionCode ? <p>{regionName ? t('orgs.scope', { name: regionName }) : t('orgs.region_unknown', { code: regionCode })}</p> : null}

			<p className="muted" role="status">
				{t('orgs.count', { count: total })}
			</p>
			{rows.length ? (
				<div className="table-wrap">
					<table>
						<thead>
							<tr>
								<th scope="col">{t('common.name')}</th>
								<th scope="col">{t('common.kind')}</th>
								<th scope="col">{t('common.region')}</th>
							</tr>
						</thead>
						<tbody>
							{rows.map((o) => (
								<tr key={o.id}>
									<td>
										<Link to={`/orgs/${o.id}`}>{o.name}</Link>
										{o.isDemo ? (
											<>
												{' '}
												<span className="tag">{t('common.demo')}</span>
											</>
										) : null}
									</td>
									<td>
										{t(`vocab.org_kind.${o.kind}`)}
										{o.kind === 'mass_org' && o.subtype ? ` · ${t(`vocab.mass_org_subtype.${o.subtype}`)}` : null}
									</td>
									<td>{o.regionName ?? '—'}</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			) : (
				<p className="card">{t('orgs.empty')}</p>
			)}

			{pages > 1 ? (
				<nav aria-label={t('orgs.pagination')} className="row" style={{ alignItems: 'center', marginTop: 12 }}>
					{page > 1 ? (
						<Link to={hrefWith({ page: page - 1 === 1 ? null : page - 1 })} rel="prev" style={{ flex: '0 0 auto' }}>
							{t('common.previous')}
						</Link>
					) : null}
					<span className="muted" style={{ flex: '0 1 auto' }}>
						{t('common.page', { page, pages, total })}
					</span>
					{page < pages ? (
						<Link to={hrefWith({ page: page + 1 })} rel="next" style={{ flex: '0 0 auto' }}>
							{t('common.next')}
						</Link>
					) : null}
				</nav>
			) : null}
		</>
	)
}
