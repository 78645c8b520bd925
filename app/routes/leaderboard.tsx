// The public contribution leaderboard (贡献榜): verified providers ranked by what officials
// verified in a China year, by amount (¥) or by number of commitments; filter by org kind and
// region (any level; nationwide by default) with GET params, so it works without JavaScript.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import type { OrgKind } from '#db/schema.ts'
import { LEADERBOARD_SIZE, contributionLeaderboard } from '#app/models/commendation.server.ts'
import { memoFigures } from '#app/models/figures-cache.server.ts'
import { isRegionCode } from '#app/models/region-code.ts'
import { fullNames } from '#app/models/region.server.ts'
import { PROVIDER_SUBJECT_KINDS } from '#app/models/subject.server.ts'
import { publicContext } from '#app/utils/auth.server.ts'
import { chinaYearOf } from '#app/utils/china-date.ts'
import { formatYuan } from '#app/utils/format.ts'

export const meta: MetaFunction = () => [{ title: '帮扶贡献榜 · 帮扶 Bangfu' }]

export async function loader({ request }: LoaderFunctionArgs) {
	const url = new URL(request.url)
	const currentYear = chinaYearOf(Date.now())
	const yearParam = url.searchParams.get('year') ?? ''
	const year = /^\d{4}$/.test(yearParam) && Number(yearParam) >= 1990 && Number(yearParam) <= 2100 ? Number(yearParam) : currentYear
	const kindParam = url.searchParams.get('kind') ?? ''
	const kind = (PROVIDER_SUBJECT_KINDS as readonly string[]).includes(kindParam) ? (kindParam as OrgKind) : undefined
	const regionParam = (url.searchParams.get('region') ?? '').trim().slice(0, 20)
	const regionCode = isRegionCode(regionParam) ? regionParam : undefined
	const sort = url.searchParams.get('sort') === 'count' ? 'count' : 'amount'
	const { db } = publicContext()
	// The nationwide year sums every verified commitment (about 1 s on MariaDB at national scale):
	// kept until the next recorded state change, like the dashboards' figures.
	const query = { year, kind, regionCode, sort } as const
	const rows = await memoFigures(db, JSON.stringify(['leaderboard', query]), () => contributionLeaderboard(db, query))
	const names = regionCode ? await fullNames(db, [regionCode]) : new Map<string, string>()
	return {
		filters: { year: String(year), kind: kind ?? '', region: regionParam, sort },
		regionInvalid: Boolean(regionParam) && !regionCode,
		regionName: regionCode ? (names.get(regionCode) ?? regionCode) : null,
		years: Array.from({ length: 6 }, (_, i) => currentYear - i),
		// From .server modules: passed through the loader, the component cannot import them.
		size: LEADERBOARD_SIZE,
		kinds: PROVIDER_SUBJECT_KINDS,
		rows,
	}
}

export default function Leaderboard() {
	const { t, i18n } = useTranslation()
	const { filters, regionInvalid, regionName, years, size, kinds, rows } = useLoaderData<typeof loader>()
	return (
		<>
			<h1>{t('commendation.leaderboard.title')}</h1>
			<p className="muted">{t('commendation.leaderboard.intro', { size })}</p>
			<Form method="get" className="card row" style={{ alignItems: 'flex-end' }} aria-label={t('commendation.leaderboard.filters')}>
				<div className="field">
					<label htmlFor="lb-year">{t('commendation.fields.year')}</label>
					<select id="lb-year" name="year" defaultValue={filters.year}>
						{[...new Set([filters.year, ...years.map(String)])].map((y) => (
							<option key={y} value={y}>
								{y}
							</option>
						))}
					</select>
				</div>
				<div className="field">
					<label htmlFor="lb-kind">{t('commendation.leaderboard.kind')}</label>
					<select id="lb-kind" name="kind" defaultValue={filters.kind}>
						<option value="">{t('commendation.leaderboard.all_kinds')}</option>
						{kinds.map((k) => (
							<option key={k} value={k}>
								{t(`vocab.org_kind.${k}`)}
							</option>
						))}
					</select>
				</div>
				<div className="field">
					<label htmlFor="lb-region">{t('commendation.leaderboard.region')}</label>
					<input id="lb-region" name="region" defaultValue={filters.region} inputMode="numeric" maxLength={12} aria-invalid={regionInvalid ? true : undefined} aria-describedby="lb-region-hint" />
					<small id="lb-region-hint" className="hint">
						{t('commendation.leaderboard.region_hint')}
					</small>
				</div>
				<div className="field">
					<label htmlFor="lb-sort">{t('commendation.leaderboard.sort')}</label>
					<select id="lb-sort" name="sort" defaultValue={filters.sort}>
						<option value="amount">{t('commendation.leaderboard.by_amount')}</option>
						<option value="count">{t('commendation.leaderboard.by_count')}</option>
					</select>
				</div>
				<div className="field">
					<button type="submit" style={{ minHeight: 44 }}>
						{t('commendation.honors.apply')}
					</button>
				</div>
			</Form>
			{regionInvalid ? (
				<p className="form-errors" role="alert">
					{t('commendation.leaderboard.region_invalid', { value: filters.region })}
				</p>
			) : null}
			<p role="status">
				{t('commendation.leaderboard.scope', { year: filters.year, region: regionName ?? t('commendation.leaderboard.nationwide') })}
			</p>
			{rows.length ? (
				<div className="table-wrap">
					<table>
						<thead>
							<tr>
								<th scope="col">{t('commendation.leaderboard.rank')}</th>
								<th scope="col">{t('commendation.leaderboard.provider')}</th>
								<th scope="col">{t('commendation.leaderboard.kind')}</th>
								<th scope="col">{t('commendation.leaderboard.amount')}</th>
								<th scope="col">{t('commendation.leaderboard.count')}</th>
							</tr>
						</thead>
						<tbody>
							{rows.map((r) => (
								<tr key={r.orgId}>
									<td>{r.rank}</td>
									<td>
										<Link to={`/orgs/${r.orgId}`}>{r.name}</Link>
									</td>
									<td>{t(`vocab.org_kind.${r.kind}`)}</td>
									<td>{formatYuan(r.amountFen, i18n.language)}</td>
									<td>{r.count}</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			) : (
				<p className="card">{t('commendation.leaderboard.empty')}</p>
			)}
		</>
	)
}
