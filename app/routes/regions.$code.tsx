import { getFormProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { ErrorList } from '#app/components/form.tsx'
import { listPairingsForRegion } from '#app/models/pairing.server.ts'
import { governs, isOfficial } from '#app/models/policy.server.ts'
import { getRegion, listAncestors, listChildren, setKeyCounty } from '#app/models/region.server.ts'
import { isRegionCode } from '#app/models/region-code.ts'
import { countVerifiedOrgsByKind, getVillageOrg, listVillagesWithOrg } from '#app/models/stats.server.ts'
import { ListingsSection } from '#app/components/listings.tsx'
import { listOrgListings, listVillageProjects } from '#app/models/listings.server.ts'
import { getRequestContext, requireActor } from '#app/utils/auth.server.ts'
import { notFound, replyWithError } from '#app/utils/http.server.ts'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.region.name} · 行政区划 · 帮扶 Bangfu` : '行政区划 · 帮扶 Bangfu' }]

const KeyCountySchema = z.object({
	intent: z.literal('key-county', { error: 'errors.invalid' }),
	isKeyCounty: z.enum(['1', '0'], { error: 'errors.invalid' }),
})

function requireCode(params: { code?: string }): string {
	const code = params.code ?? ''
	if (!isRegionCode(code)) notFound('errors.region_not_found')
	return code
}

export async function loader({ request, params }: LoaderFunctionArgs) {
	const code = requireCode(params)
	const { db, actor } = await getRequestContext(request)
	const region = await getRegion(db, code)
	if (!region) notFound('errors.region_not_found')
	const isVillage = region.level === 5
	const [ancestors, children, pairings, villageOrg, orgCounts] = await Promise.all([
		listAncestors(db, code),
		listChildren(db, code),
		listPairingsForRegion(db, code),
		isVillage ? getVillageOrg(db, code, actor) : Promise.resolve(undefined),
		isVillage ? Promise.resolve(null) : countVerifiedOrgsByKind(db, code),
	])
	const childVillages = children.some((c) => c.level === 5)
	const [villagesWithOrg, needs, projects] = await Promise.all([
		childVillages ? listVillagesWithOrg(db, code) : new Set<string>(),
		isVillage && villageOrg ? listOrgListings(db, { id: villageOrg.id, kind: 'village', villageCode: code }, actor).then((l) => l.needs) : [],
		isVillage ? listVillageProjects(db, code) : [],
	])
	const official = !!actor && isOfficial(actor) && governs(actor, code)
	return {
		region: { code: region.code, name: region.name, level: region.level, isKeyCounty: region.isKeyCounty === 1 },
		ancestors: ancestors.map((a) => ({ code: a.code, name: a.name, level: a.level })),
		children: children.map((c) => ({ code: c.code, name: c.name, level: c.level, isKeyCounty: c.isKeyCounty === 1, hasOrg: villagesWithOrg.has(c.code) })),
		childVillages,
		pairings,
		villageOrg: villageOrg ?? null,
		orgCounts,
		listings: isVillage ? { needs, offers: [], projects } : null,
		viewer: {
			canSetKeyCounty: !!actor?.isNationalAdmin && region.level === 3,
			canRecordPairing: official && region.level !== 4,
			signedIn: !!actor,
		},
	}
}

export async function action({ request, params }: ActionFunctionArgs) {
	const code = requireCode(params)
	const { db, actor } = await requireActor(request)
	const formData = await request.formData()
	const submission = parseWithZod(formData, { schema: KeyCountySchema })
	if (submission.status !== 'success') return data({ result: submission.reply(), saved: false }, { status: 400 })
	try {
		await setKeyCounty(db, code, submission.value.isKeyCounty === '1', actor)
		return data({ result: submission.reply(), saved: true })
	} catch (error) {
		return replyWithError(submission, error)
	}
}

export default function RegionPage() {
	const { t, i18n } = useTranslation()
	const { region, ancestors, children, childVillages, pairings, villageOrg, orgCounts, viewer, listings } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const navigation = useNavigation()
	const [form] = useForm({ id: 'key-county', lastResult: actionData?.result })
	const n = (x: number) => x.toLocaleString(i18n.language)
	const keyErrors = Object.values(form.allErrors ?? {}).flat()
	const saved = !!actionData && 'saved' in actionData && actionData.saved
	const orgTotal = orgCounts ? Object.values(orgCounts).reduce((a, b) => a + b, 0) : 0
	const isVillage = region.level === 5
	return (
		<>
			<nav className="crumbs" aria-label={t('region_page.breadcrumbs')}>
				<Link to="/regions">{t('region_page.all_regions')}</Link>
				{ancestors.map((a) => (
					<span key={a.code}>
						{' › '}
						<Link to={`/regions/${a.code}`}>{a.name}</Link>
					</span>
				))}
				{' › '}
				<span aria-current="page">{region.name}</span>
			</nav>

			<section className="card">
				<h1 style={{ marginBottom: 4 }}>
					{region.name} {region.isKeyCounty ? <span className="tag key">{t('vocab.key_county')}</span> : null}
				</h1>
				<p className="muted" style={{ margin: 0 }}>
					{t(`vocab.level.${region.level}`)} · {t('region_page.code')} <span translate="no">{region.code}</span>
				</p>

				{viewer.canSetKeyCounty ? (
					<Form method="post" {...getFormProps(form)} style={{ marginTop: 12 }}>
						{saved ? (
							<p className="notice" role="status">
								{t('region_page.key_county_saved')}
							</p>
						) : null}
						<div className={keyErrors.length ? 'form-errors' : undefined}>
							<ErrorList id={form.errorId} errors={keyErrors} />
						</div>
						<input type="hidden" name="intent" value="key-county" />
						<input type="hidden" name="isKeyCounty" value={region.isKeyCounty ? '0' : '1'} />
						<p className="muted" style={{ margin: '0 0 8px' }}>
							{t('region_page.key_county_admin_hint')}
						</p>
						<button type="submit" className={region.isKeyCounty ? 'secondary' : undefined} disabled={navigation.state === 'submitting'}>
							{region.isKeyCounty ? t('region_page.unset_key_county') : t('region_page.set_key_county')}
						</button>
					</Form>
				) : null}
			</section>

			{isVillage ? (
				<section className="card" aria-labelledby="village-org">
					<h2 id="village-org" style={{ marginTop: 0 }}>
						{t('region_page.village_org')}
					</h2>
					{villageOrg ? (
						<p>
							<Link to={`/orgs/${villageOrg.id}`}>{villageOrg.name}</Link>{' '}
							<span className={`tag ${villageOrg.status}`}>{t(`vocab.org_status.${villageOrg.status}`)}</span>
						</p>
					) : (
						<>
							<p className="muted">{t('region_page.no_village_org')}</p>
							<p>
								<Link to={`/orgs/new?kind=village&pick=${region.code}`}>{t('region_page.register_village_org')}</Link>
							</p>
						</>
					)}
				</section>
			) : (
				<section className="card" aria-labelledby="region-orgs">
					<h2 id="region-orgs" style={{ marginTop: 0 }}>
						{t('region_page.orgs')}
					</h2>
					<p>
						{t('region_page.orgs_count', { n: n(orgTotal) })} <Link to={`/orgs?region=${region.code}`}>{t('region_page.orgs_link')}</Link>
					</p>
					{orgTotal ? (
						<ul className="plain">
							{Object.entries(orgCounts ?? {})
								.filter(([, count]) => count > 0)
								.map(([k, count]) => (
									<li key={k}>
										<Link to={`/orgs?region=${region.code}&kind=${k}`}>{t(`vocab.org_kind.${k}`)}</Link> · {n(count)}
									</li>
								))}
						</ul>
					) : null}
				</section>
			)}

			{children.length ? (
				<section className="card" aria-labelledby="region-children">
					<h2 id="region-children" style={{ marginTop: 0 }}>
						{t('region_page.children', { level: t(`vocab.level.${children[0].level}`), n: n(children.length) })}
					</h2>
					<div className="table-wrap">
						<table>
							<thead>
								<tr>
									<th>{t('common.name')}</th>
									<th>{t('region_page.code')}</th>
									{childVillages ? <th>{t('region_page.village_org')}</th> : null}
								</tr>
							</thead>
							<tbody>
								{children.map((c) => (
									<tr key={c.code}>
										<td>
											<Link to={`/regions/${c.code}`}>{c.name}</Link>
											{c.isKeyCounty ? (
												<>
													{' '}
													<span className="tag key">{t('regions.key_short')}</span>
												</>
											) : null}
										</td>
										<td translate="no">{c.code}</td>
										{childVillages ? <td>{c.hasOrg ? <span className="tag verified">{t('region_page.has_org')}</span> : <span className="muted">—</span>}</td> : null}
									</tr>
								))}
							</tbody>
						</table>
					</div>
				</section>
			) : null}
			<ListingsSection listings={listings ?? undefined} browseRegion={region.code} />
			<section className="card" aria-labelledby="region-pairings">
				<h2 id="region-pairings" style={{ marginTop: 0 }}>
					{t('region_page.pairings')}
				</h2>
				{pairings.length ? (
					<div className="table-wrap">
						<table>
							<thead>
								<tr>
									<th>{t('pairings.kind_since')}</th>
									<th>{t('region_page.provider')}</th>
									<th>{t('region_page.recipient')}</th>
								</tr>
							</thead>
							<tbody>
								{pairings.map((p) => (
									<tr key={p.id}>
										<td style={{ whiteSpace: 'nowrap' }}>
											{t(`vocab.pairing_kind.${p.kind}`)}
											<div className="muted">{t('pairings.since_year', { year: p.startedYear })}</div>
										</td>
										<td>
											{p.providerOrgId ? (
												<>
													<Link to={`/orgs/${p.providerOrgId}`}>{p.providerOrgName}</Link>
													{p.providerOrgKind ? <div className="muted">{t(`vocab.org_kind.${p.providerOrgKind}`)}</div> : null}
												</>
											) : p.providerRegionCode ? (
												p.providerRegionCode === region.code ? (
													<strong>{p.providerRegionName}</strong>
												) : (
													<Link to={`/regions/${p.providerRegionCode}`}>{p.providerRegionName}</Link>
												)
											) : (
												'—'
											)}
										</td>
										<td>
											{p.recipientRegionCode === region.code ? (
												<strong>{p.recipientRegionName}</strong>
											) : (
												<Link to={`/regions/${p.recipientRegionCode}`}>{p.recipientRegionName}</Link>
											)}
											{p.inherited ? (
												<div className="muted">
													{t('region_page.via_parent', { name: p.recipientRegionName })}
												</div>
											) : p.providerRegionCode === region.code ? (
												<div className="muted">{t('region_page.as_provider')}</div>
											) : null}
											{p.note ? <div className="muted">{p.note}</div> : null}
										</td>
									</tr>
								))}
							</tbody>
						</table>
					</div>
				) : (
					<p className="muted">{t('region_page.no_pairings')}</p>
				)}
				<p>
					{isVillage ? null : (
						<>
							<Link to={`/pairings?within=${region.code}`}>{t('region_page.pairings_within')}</Link>
							{viewer.canRecordPairing ? ' · ' : null}
						</>
					)}
					{viewer.canRecordPairing ? <Link to={`/pairings?recipient=${region.code}#record`}>{t('region_page.record_pairing')}</Link> : null}
				</p>
			</section>

		</>
	)
}
