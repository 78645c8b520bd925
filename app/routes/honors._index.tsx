// The public honor roll (光荣榜): decided awards by year, level and category, filtered with GET
// params so it works without JavaScript and without signing in.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import type { AwardCategory, CampaignLevel } from '#db/schema.ts'
import { AWARD_CATEGORIES, CAMPAIGN_LEVELS } from '#app/models/commendation.schema.ts'
import { Pager } from '#app/components/browse.tsx'
import { HONORS_PAGE_SIZE, countHonors, honorYears, listHonors } from '#app/models/commendation.server.ts'
import { pageParam } from '#app/utils/browse-url.ts'
import { publicContext } from '#app/utils/auth.server.ts'

export const meta: MetaFunction = () => [{ title: '光荣榜 · 帮扶 Bangfu' }]

export async function loader({ request }: LoaderFunctionArgs) {
	const url = new URL(request.url)
	const yearParam = url.searchParams.get('year') ?? ''
	const levelParam = url.searchParams.get('level') ?? ''
	const categoryParam = url.searchParams.get('category') ?? ''
	const year = /^\d{4}$/.test(yearParam) ? Number(yearParam) : undefined
	const level = (CAMPAIGN_LEVELS as readonly string[]).includes(levelParam) ? (levelParam as CampaignLevel) : undefined
	const category = (AWARD_CATEGORIES as readonly string[]).includes(categoryParam) ? (categoryParam as AwardCategory) : undefined
	const { db } = publicContext()
	const filters = { year, level, category }
	const total = await countHonors(db, filters)
	const pages = Math.max(1, Math.ceil(total / HONORS_PAGE_SIZE))
	const page = Math.min(pageParam(url), pages)
	const [rows, years] = await Promise.all([listHonors(db, filters, page), honorYears(db)])
	return {
		filters: { year: year ? String(year) : '', level: level ?? '', category: category ?? '' },
		page,
		pages,
		total,
		years,
		rows: rows.map((r) => ({
			id: r.id,
			year: r.year,
			level: r.level,
			category: r.category,
			orgId: r.orgId,
			orgName: r.orgName,
			personName: r.personName,
			campaignId: r.campaignId,
			campaignTitle: r.campaignTitle,
			regionName: r.regionName,
			certificateNo: r.certificateNo,
		})),
	}
}

export default function HonorRoll() {
	const { t } = useTranslation()
	const { filters, page, pages, years, rows } = useLoaderData<typeof loader>()
	const groups: Array<{ year: number; rows: typeof rows }> = []
	for (const r of rows) {
		const last = groups[groups.length - 1]
		if (last?.year === r.year) last.rows.push(r)
		else groups.push({ year: r.year, rows: [r] })
	}
	return (
		<>
			<h1>{t('commendation.honors.title')}</h1>
			<p className="muted">{t('commendation.honors.intro')}</p>
			<Form method="get" className="card row" style={{ alignItems: 'flex-end' }} aria-label={t('commendation.honors.filters')}>
				<div className="field">
					<label htmlFor="honors-year">{t('commendation.fields.year')}</label>
					<select id="honors-year" name="year" defaultValue={filters.year}>
						<option value="">{t('commendation.honors.all_years')}</option>
						{years.map((y) => (
							<option key={y} value={y}>
								{y}
							</option>
						))}
					</select>
				</div>
				<div className="field">
					<label htmlFor="honors-level">{t('commendation.fields.level')}</label>
					<select id="honors-level" name="level" defaultValue={filters.level}>
						<option value="">{t('commendation.honors.all_levels')}</option>
						{CAMPAIGN_LEVELS.map((l) => (
							<option key={l} value={l}>
								{t(`commendation.level.${l}`)}
							</option>
						))}
					</select>
				</div>
				<div className="field">
					<label htmlFor="honors-category">{t('commendation.fields.category')}</label>
					<select id="honors-category" name="category" defaultValue={filters.category}>
						<option value="">{t('commendation.honors.all_categories')}</option>
						{AWARD_CATEGORIES.map((c) => (
							<option key={c} value={c}>
								{t(`commendation.category.${c}`)}
							</option>
						))}
					</select>
				</div>
				<div className="field">
					<button type="submit" style={{ minHeight: 44 }}>
						{t('commendation.honors.apply')}
					</button>{' '}
					{filters.year || filters.level || filters.category ? <Link to="/honors">{t('commendation.honors.reset')}</Link> : null}
				</div>
			</Form>
			{groups.length ? (
				groups.map((g) => (
					<section key={g.year} aria-labelledby={`h-${g.year}`}>
						<h2 id={`h-${g.year}`}>{t('commendation.honors.year', { year: g.year })}</h2>
						<div className="table-wrap">
							<table>
								<thead>
									<tr>
										<th scope="col">{t('commendation.honors.honoree')}</th>
										<th scope="col">{t('commendation.fields.category')}</th>
										<th scope="col">{t('commendation.fields.level')}</th>
										<th scope="col">{t('commendation.honors.campaign')}</th>
										<th scope="col">{t('commendation.honors.certificate')}</th>
									</tr>
								</thead>
								<tbody>
									{g.rows.map((r) => (
										<tr key={r.id}>
											<td>
												{r.personName ? <strong>{r.personName}</strong> : null}
												{r.personName ? ' · ' : null}
												<Link to={`/orgs/${r.orgId}`}>{r.orgName}</Link>
											</td>
											<td>{t(`commendation.category.${r.category}`)}</td>
											<td>
												{t(`commendation.level.${r.level}`)}
												{r.regionName ? ` · ${r.regionName}` : ''}
											</td>
											<td>
												<Link to={`/commendations/${r.campaignId}`}>{r.campaignTitle}</Link>
											</td>
											<td>
												<Link to={`/honors/certificates/${r.id}`}>{r.certificateNo}</Link>
											</td>
										</tr>
									))}
								</tbody>
							</table>
						</div>
					</section>
				))
			) : (
				<p className="card">{t('commendation.honors.empty')}</p>
			)}
			<Pager page={page} pages={pages} state={filters} />
		</>
	)
}
