import { type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { fullNames, getRegion, listChildren, listKeyCounties, searchRegions } from '#app/models/region.server.ts'
import { LEVELS, codeAtLevel, isRegionCode } from '#app/models/region-code.ts'
import { publicContext } from '#app/utils/auth.server.ts'

export const meta: MetaFunction = () => [{ title: '行政区划 · 帮扶 Bangfu' }]

const SEARCH_LIMIT = 50
const MAX_QUERY = 40

export async function loader({ request }: LoaderFunctionArgs) {
	const { db } = publicContext()
	const url = new URL(request.url)
	const q = (url.searchParams.get('q') ?? '').trim().slice(0, MAX_QUERY)
	const levelParam = Number(url.searchParams.get('level'))
	const level = LEVELS.includes(levelParam as (typeof LEVELS)[number]) ? levelParam : undefined

	// A full 12-digit code goes straight to its page.
	if (isRegionCode(q) && (await getRegion(db, q))) throw redirect(`/regions/${q}`)

	const [provinces, keyCounties, found] = await Promise.all([
		listChildren(db, null),
		listKeyCounties(db),
		q ? searchRegions(db, q, { level, limit: SEARCH_LIMIT }) : Promise.resolve([]),
	])
	// A code names its highest row; the same-code repeats below it are not separate places.
	const seen = new Set<string>()
	const results = found.filter((r) => !seen.has(r.code) && seen.add(r.code))
	const names = await fullNames(db, [...results.map((r) => r.code), ...keyCounties.map((r) => r.code)])

	const provinceName = new Map(provinces.map((p) => [p.code, p.name]))
	const groups = new Map<string, { code: string; name: string; counties: Array<{ code: string; name: string; fullName: string }> }>()
	for (const c of keyCounties) {
		const p = codeAtLevel(c.code, 1)
		let g = groups.get(p)
		if (!g) groups.set(p, (g = { code: p, name: provinceName.get(p) ?? p, counties: [] }))
		g.counties.push({ code: c.code, name: c.name, fullName: names.get(c.code) ?? c.name })
	}

	return {
		q,
		level: level ?? null,
		provinces: provinces.map((p) => ({ code: p.code, name: p.name })),
		results: results.map((r) => ({ code: r.code, name: r.name, level: r.level, fullName: names.get(r.code) ?? r.name, isKeyCounty: r.isKeyCounty === 1 })),
		truncated: found.length >= SEARCH_LIMIT,
		keyCountyGroups: [...groups.values()],
		keyCountyTotal: new Set(keyCounties.map((c) => c.code)).size,
	}
}

export default function RegionsIndex() {
	const { t, i18n } = useTranslation()
	const data = useLoaderData<typeof loader>()
	const navigation = useNavigation()
	const n = (x: number) => x.toLocaleString(i18n.language)
	return (
		<>
			<h1>{t('regions.title')}</h1>
			<p className="muted">{t('regions.intro')}</p>

			<section className="card" aria-labelledby="region-search">
				<h2 id="region-search" style={{ marginTop: 0 }}>
					{t('regions.search_title')}
				</h2>
				<Form method="get" role="search">
					<div className="row">
						<div className="field">
							<label htmlFor="region-q">{t('regions.search_label')}</label>
							<input id="region-q" name="q" type="search" defaultValue={data.q} maxLength={MAX_QUERY} placeholder={t('regions.search_placeholder')} />
						</div>
						<div className="field">
							<label htmlFor="region-level">{t('regions.level_label')}</label>
							<select id="region-level" name="level" defaultValue={data.level ?? ''}>
								<option value="">{t('regions.all_levels')}</option>
								{LEVELS.map((l) => (
									<option key={l} value={l}>
										{t(`vocab.level.${l}`)}
									</option>
								))}
							</select>
						</div>
						<div className="field" style={{ flex: '0 0 auto' }}>
							<button type="submit" disabled={navigation.state === 'loading'}>
								{t('common.search')}
							</button>
						</div>
					</div>
				</Form>
				{data.q ? (
					data.results.length ? (
						<>
							<p className="muted" role="status">
								{data.truncated ? t('regions.results_truncated', { n: n(data.results.length) }) : t('regions.results_count', { n: n(data.results.length) })}
							</p>
							<div className="table-wrap">
								<table>
									<thead>
										<tr>
											<th>{t('common.name')}</th>
											<th>{t('regions.level')}</th>
											<th>{t('regions.full_name')}</th>
										</tr>
									</thead>
									<tbody>
										{data.results.map((r) => (
											<tr key={r.code}>
												<td>
													<Link to={`/regions/${r.code}`}>{r.name}</Link>
													{r.isKeyCounty ? (
														<>
															{' '}
															<span className="tag key">{t('regions.key_short')}</span>
														</>
													) : null}
												</td>
												<td>{t(`vocab.level.${r.level}`)}</td>
												<td>
													{r.fullName}
													<div className="muted">
														<small>{r.code}</small>
													</div>
												</td>
											</tr>
										))}
									</tbody>
								</table>
							</div>
						</>
					) : (
						<p role="status">{t('regions.no_results', { q: data.q })}</p>
					)
				) : null}
			</section>

			<section className="card" aria-labelledby="provinces">
				<h2 id="provinces" style={{ marginTop: 0 }}>
					{t('regions.provinces', { n: n(data.provinces.length) })}
				</h2>
				<ul className="grid plain" style={{ gridTemplateColumns: 'repeat(auto-fill, minmax(140px, 1fr))' }}>
					{data.provinces.map((p) => (
						<li key={p.code}>
							<Link to={`/regions/${p.code}`}>{p.name}</Link>
						</li>
					))}
				</ul>
			</section>

			<section className="card" id="key-counties" aria-labelledby="key-counties-title">
				<h2 id="key-counties-title" style={{ marginTop: 0 }}>
					{t('vocab.key_county')} <span className="muted">({n(data.keyCountyTotal)})</span>
				</h2>
				<p className="muted">{t('regions.key_counties_intro')}</p>
				{data.keyCountyGroups.length ? (
					data.keyCountyGroups.map((g) => (
						<div key={g.code}>
							<h3>
								<Link to={`/regions/${g.code}`}>{g.name}</Link> <span className="muted">({n(g.counties.length)})</span>
							</h3>
							<p>
								{g.counties.map((c, i) => (
									<span key={c.code}>
										{i ? '、' : null}
										<Link to={`/regions/${c.code}`} title={c.fullName}>
											{c.name}
										</Link>
									</span>
								))}
							</p>
						</div>
					))
				) : (
					<p className="muted">{t('regions.no_key_counties')}</p>
				)}
			</section>
		</>
	)
}
