import { type Submission, type SubmissionResult, getFormProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import type { PairingKind } from '#db/schema.ts'
import { ErrorList, Field, SelectField, TextareaField } from '#app/components/form.tsx'
import { PAIRING_KINDS, CreatePairingSchema } from '#app/models/pairing.schema.ts'
import { createPairing, endPairing, listPairingProviderOrgs, listPairings } from '#app/models/pairing.server.ts'
import { governs, isOfficial } from '#app/models/policy.server.ts'
import { fullNames, getRegion } from '#app/models/region.server.ts'
import { isRegionCode } from '#app/models/region-code.ts'
import { getRequestContext, requireActor } from '#app/utils/auth.server.ts'
import { forbidden, replyWithError } from '#app/utils/http.server.ts'

export const meta: MetaFunction = () => [{ title: '结对关系 · 帮扶 Bangfu' }]

const LIST_LIMIT = 300
const PROVIDER_OPTIONS_LIMIT = 300

const EndPairingSchema = z.object({
	intent: z.literal('end', { error: 'errors.invalid' }),
	pairingId: z.string({ error: 'validation.required' }).trim().min(1, { error: 'validation.required' }).max(26, { error: 'errors.invalid' }),
})

/** The form offers a select of providers and a typed org id; a typed id wins. */
function withTypedProvider(formData: FormData): FormData {
	const typed = String(formData.get('providerOrgIdOther') ?? '').trim()
	if (!typed) return formData
	const out = new FormData()
	for (const [k, v] of formData) if (k !== 'providerOrgId') out.append(k, v)
	out.set('providerOrgId', typed)
	return out
}

function isPairingKind(value: string): value is PairingKind {
	return (PAIRING_KINDS as readonly string[]).includes(value)
}

export async function loader({ request }: LoaderFunctionArgs) {
	const { db, actor } = await getRequestContext(request)
	const url = new URL(request.url)
	const kindParam = url.searchParams.get('kind') ?? ''
	const kind = isPairingKind(kindParam) ? kindParam : undefined
	const withinRaw = (url.searchParams.get('within') ?? '').trim().slice(0, 40)
	let withinError: string | null = null
	let within: { code: string; name: string } | null = null
	if (withinRaw) {
		const region = isRegionCode(withinRaw) ? await getRegion(db, withinRaw) : undefined
		if (!isRegionCode(withinRaw)) withinError = 'validation.region_code_format'
		else if (!region) withinError = 'errors.region_not_found'
		else within = { code: region.code, name: (await fullNames(db, [region.code])).get(region.code) ?? region.name }
	}
	const recipientParam = url.searchParams.get('recipient') ?? ''

	const official = !!actor && isOfficial(actor)
	const [rows, providerOrgs] = await Promise.all([
		listPairings(db, { kind, within: within?.code, limit: LIST_LIMIT }),
		official ? listPairingProviderOrgs(db, { limit: PROVIDER_OPTIONS_LIMIT }) : Promise.resolve([]),
	])
	// A same-code repeat of a region can make the list's join return a pairing twice.
	const seen = new Set<string>()
	const pairings = rows.filter((p) => !seen.has(p.id) && seen.add(p.id))
	const names = await fullNames(db, [...new Set(pairings.flatMap((p) => [p.recipientRegionCode, ...(p.providerRegionCode ? [p.providerRegionCode] : [])]))])
	return {
		filters: { kind: kind ?? '', within: withinRaw, withinError, withinRegion: within },
		pairings: pairings.map((p) => ({
			...p,
			recipientFullName: names.get(p.recipientRegionCode) ?? p.recipientRegionName,
			providerRegionFullName: p.providerRegionCode ? (names.get(p.providerRegionCode) ?? p.providerRegionName) : null,
			canEnd: !!actor && (governs(actor, p.recipientRegionCode) || (p.kind === 'east_west' && governs(actor, p.providerRegionCode))),
		})),
		truncated: rows.length >= LIST_LIMIT,
		official,
		providerOrgs,
		providerOrgsTruncated: providerOrgs.length >= PROVIDER_OPTIONS_LIMIT,
		defaults: { recipientRegionCode: isRegionCode(recipientParam) ? recipientParam : '', startedYear: new Date().getFullYear() },
	}
}

type Intent = 'create' | 'end'

/** Tags a reply with the form it belongs to, so only that form shows its errors. */
function tagged(intent: Intent, reply: ReturnType<typeof replyWithError>) {
	return data({ ...reply.data, intent, done: false }, reply.init ?? undefined)
}

export async function action({ request }: ActionFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const formData = await request.formData()
	const intent = formData.get('intent')

	if (intent === 'end') {
		const submission = parseWithZod(formData, { schema: EndPairingSchema })
		if (submission.status !== 'success') return data({ intent: 'end' as Intent, result: submission.reply(), done: false }, { status: 400 })
		try {
			await endPairing(db, submission.value.pairingId, actor)
			return data({ intent: 'end' as Intent, result: submission.reply(), done: true })
		} catch (error) {
			return tagged('end', replyWithError(submission, error))
		}
	}

	if (!isOfficial(actor)) forbidden('errors.outside_jurisdiction')
	const submission = parseWithZod(withTypedProvider(formData), { schema: CreatePairingSchema })
	if (submission.status !== 'success') return data({ intent: 'create' as Intent, result: submission.reply(), done: false }, { status: 400 })
	try {
		await createPairing(db, submission.value, actor)
		return data({ intent: 'create' as Intent, result: submission.reply({ resetForm: true }), done: true })
	} catch (error) {
		return tagged('create', replyWithError(submission, error))
	}
}

type PairingFormValues = {
	intent: string
	kind: string
	providerOrgId: string
	providerOrgIdOther: string
	providerRegionCode: string
	recipientRegionCode: string
	startedYear: number
	note: string
}

export default function PairingsPage() {
	const { t, i18n } = useTranslation()
	const { filters, pairings, truncated, official, providerOrgs, providerOrgsTruncated, defaults } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const navigation = useNavigation()
	const n = (x: number) => x.toLocaleString(i18n.language)
	const busy = navigation.state === 'submitting'
	const endResult = actionData?.intent === 'end' ? actionData : undefined
	const createResult = actionData?.intent === 'create' ? actionData : undefined
	const endErrors = endResult && !endResult.done ? Object.values(endResult.result.error ?? {}).flat().filter((e): e is string => !!e) : []
	const anyCanEnd = pairings.some((p) => p.canEnd)

	return (
		<>
			<h1>{t('pairings.title')}</h1>
			<p className="muted">{t('pairings.intro')}</p>

			<section className="card" aria-labelledby="pairing-filters">
				<h2 id="pairing-filters" style={{ marginTop: 0 }}>
					{t('common.filter')}
				</h2>
				<Form method="get">
					<div className="row">
						<div className="field">
							<label htmlFor="filter-kind">{t('pairings.kind')}</label>
							<select id="filter-kind" name="kind" defaultValue={filters.kind}>
								<option value="">{t('common.all')}</option>
								{PAIRING_KINDS.map((k) => (
									<option key={k} value={k}>
										{t(`vocab.pairing_kind.${k}`)}
									</option>
								))}
							</select>
						</div>
						<div className="field">
							<label htmlFor="filter-within">{t('pairings.within')}</label>
							<input
								id="filter-within"
								name="within"
								inputMode="numeric"
								defaultValue={filters.within}
								maxLength={12}
								placeholder="520425000000"
								aria-invalid={filters.withinError ? true : undefined}
								aria-describedby={filters.withinError ? 'filter-within-error' : 'filter-within-hint'}
							/>
							<small id="filter-within-hint" className="hint">
								{t('pairings.within_hint')}
							</small>
							<ErrorList id="filter-within-error" errors={filters.withinError ? [filters.withinError] : null} />
						</div>
						<div className="field" style={{ flex: '0 0 auto' }}>
							<button type="submit">{t('common.filter')}</button>
						</div>
					</div>
				</Form>
				{filters.kind || filters.within ? (
					<p style={{ margin: 0 }}>
						{filters.withinRegion ? (
							<>
								{t('pairings.within_region')} <Link to={`/regions/${filters.withinRegion.code}`}>{filters.withinRegion.name}</Link> ·{' '}
							</>
						) : null}
						<Link to="/pairings">{t('pairings.clear_filters')}</Link>
					</p>
				) : null}
			</section>

			<section className="card" aria-labelledby="pairing-list">
				<h2 id="pairing-list" style={{ marginTop: 0 }}>
					{t('pairings.active', { n: n(pairings.length) })}
				</h2>
				{endResult?.done ? (
					<p className="notice" role="status">
						{t('pairings.ended')}
					</p>
				) : null}
				{endErrors.length ? (
					<div className="form-errors">
						<ErrorList errors={endErrors} />
					</div>
				) : null}
				{truncated ? <p className="muted">{t('pairings.truncated', { n: n(pairings.length) })}</p> : null}
				{pairings.length ? (
					<div className="table-wrap">
						<table>
							<thead>
								<tr>
									<th>{t('pairings.kind_since')}</th>
									<th>{t('pairings.provider')}</th>
									<th>{t('pairings.recipient')}</th>
									{anyCanEnd ? <th>{t('common.actions')}</th> : null}
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
												<Link to={`/regions/${p.providerRegionCode}`}>{p.providerRegionFullName}</Link>
											) : (
												'—'
											)}
										</td>
										<td>
											<Link to={`/regions/${p.recipientRegionCode}`}>{p.recipientFullName}</Link>
											{p.note ? <div className="muted">{p.note}</div> : null}
										</td>
										{anyCanEnd ? (
											<td>
												{p.canEnd ? (
													<Form
														method="post"
														onSubmit={(e) => {
															if (!window.confirm(t('pairings.end_confirm'))) e.preventDefault()
														}}
													>
														<input type="hidden" name="intent" value="end" />
														<input type="hidden" name="pairingId" value={p.id} />
														<button type="submit" className="secondary" style={{ whiteSpace: 'nowrap', padding: '4px 10px' }} disabled={busy} aria-label={t('pairings.end_label', { recipient: p.recipientRegionName })}>
															{t('pairings.end')}
														</button>
													</Form>
												) : null}
											</td>
										) : null}
									</tr>
								))}
							</tbody>
						</table>
					</div>
				) : (
					<p className="muted">{t('pairings.none')}</p>
				)}
			</section>

			{official ? (
				<CreatePairingForm
					lastResult={createResult?.result}
					done={!!createResult?.done}
					providerOrgs={providerOrgs}
					providerOrgsTruncated={providerOrgsTruncated}
					defaults={defaults}
					busy={busy}
				/>
			) : null}
		</>
	)
}

function CreatePairingForm({
	lastResult,
	done,
	providerOrgs,
	providerOrgsTruncated,
	defaults,
	busy,
}: {
	lastResult: SubmissionResult<string[]> | undefined
	done: boolean
	providerOrgs: Array<{ id: string; name: string; kind: string }>
	providerOrgsTruncated: boolean
	defaults: { recipientRegionCode: string; startedYear: number }
	busy: boolean
}) {
	const { t } = useTranslation()
	const [form, fields] = useForm<PairingFormValues>({
		id: 'record-pairing',
		lastResult,
		defaultValue: { kind: '', recipientRegionCode: defaults.recipientRegionCode, startedYear: defaults.startedYear },
		// The schema is a union by kind; the form holds every field of every kind (and the typed id).
		onValidate: ({ formData }) => parseWithZod(withTypedProvider(formData), { schema: CreatePairingSchema }) as unknown as Submission<PairingFormValues, string[]>,
		shouldValidate: 'onSubmit',
		shouldRevalidate: 'onBlur',
	})
	const kind = fields.kind.value ?? ''
	const needsOrg = kind !== 'east_west'
	const needsRegion = kind === '' || kind === 'east_west'
	const groups = (['central_unit', 'enterprise', 'social_org'] as const)
		.map((k) => ({ kind: k, orgs: providerOrgs.filter((o) => o.kind === k) }))
		.filter((g) => g.orgs.length)
	return (
		<section className="card" id="record" aria-labelledby="record-title">
			<h2 id="record-title" style={{ marginTop: 0 }}>
				{t('pairings.record_title')}
			</h2>
			<p className="muted">{t('pairings.record_intro')}</p>
			{done ? (
				<p className="notice" role="status">
					{t('pairings.recorded')}
				</p>
			) : null}
			<Form method="post" className="narrow" {...getFormProps(form)}>
				<div className={form.errors?.length ? 'form-errors' : undefined}>
					<ErrorList id={form.errorId} errors={form.errors} />
				</div>
				<input type="hidden" name="intent" value="create" />
				<SelectField meta={fields.kind} label={t('pairings.kind')}>
					<option value="">{t('pairings.choose_kind')}</option>
					{PAIRING_KINDS.map((k) => (
						<option key={k} value={k}>
							{t(`vocab.pairing_kind.${k}`)}
						</option>
					))}
				</SelectField>
				<p className="muted" style={{ marginTop: -4 }}>
					<small>{kind ? t(`pairings.kind_hint.${kind}`) : t('pairings.kind_hint_all')}</small>
				</p>
				{needsOrg ? (
					<>
						<SelectField meta={fields.providerOrgId} label={t('pairings.provider_org')}>
							<option value="">{t('pairings.choose_provider')}</option>
							{groups.map((g) => (
								<optgroup key={g.kind} label={t(`vocab.org_kind.${g.kind}`)}>
									{g.orgs.map((o) => (
										<option key={o.id} value={o.id}>
											{o.name}
										</option>
									))}
								</optgroup>
							))}
						</SelectField>
						<Field
							meta={fields.providerOrgIdOther}
							label={t('pairings.provider_org_other')}
							hint={providerOrgsTruncated ? t('pairings.provider_org_other_hint_truncated') : t('pairings.provider_org_other_hint')}
							maxLength={26}
							autoComplete="off"
						/>
					</>
				) : null}
				{needsRegion ? (
					<Field
						meta={fields.providerRegionCode}
						label={t('pairings.provider_region')}
						hint={t('pairings.provider_region_hint')}
						inputMode="numeric"
						maxLength={12}
						autoComplete="off"
					/>
				) : null}
				<Field
					meta={fields.recipientRegionCode}
					label={t('pairings.recipient_region')}
					hint={kind ? t(`pairings.recipient_hint.${kind}`) : t('pairings.recipient_hint_all')}
					inputMode="numeric"
					maxLength={12}
					autoComplete="off"
				/>
				<Field meta={fields.startedYear} label={t('pairings.started_year')} type="number" min={1990} max={2100} inputMode="numeric" />
				<TextareaField meta={fields.note} label={t('pairings.note')} rows={3} />
				<button type="submit" disabled={busy}>
					{t('pairings.record_submit')}
				</button>
			</Form>
		</section>
	)
}
