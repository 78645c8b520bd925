// A provider pledges to a published need: /commitments/new?need=<id> (&offer=<id> preselects one of
// its offers). The form carries a fresh idempotency key per render, so a double submission makes
// one commitment; createCommitment checks everything again (who, the need, the gap, the offer).
import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ErrorList } from '#app/components/form.tsx'
import { tapStyle } from '#app/components/need-form.tsx'
import { COMMITMENT_MESSAGE_MAX, commitmentSchema } from '#app/models/commitment.schema.ts'
import { commitmentLapseDays, createCommitment } from '#app/models/commitment.server.ts'
import { getNeed } from '#app/models/need.server.ts'
import { listOffersForOrg } from '#app/models/offer.server.ts'
import { PROVIDER_KINDS } from '#app/models/organization.schema.ts'
import { roleAtLeast } from '#app/models/policy.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { chinaDayStart, formatChinaDate } from '#app/utils/china-date.ts'
import { formatMeasure, formatTarget } from '#app/utils/format.ts'
import { notFound, replyWithError } from '#app/utils/http.server.ts'
import { textValues, withUnixNewlines } from '#app/utils/photo-form.server.ts'

export const meta: MetaFunction = () => [{ title: '承诺帮扶 · 帮扶 Bangfu' }]

type Blocked = 'own_village' | 'not_open' | 'full' | 'pending' | 'member_only' | 'not_provider' | 'no_org'
type SignedIn = Awaited<ReturnType<typeof requireActor>>['actor']

const isProviderKind = (kind: string) => (PROVIDER_KINDS as readonly string[]).includes(kind)

/** The verified provider orgs the actor may pledge for (owner/admin), and why none when there are none. */
function providerOrgs(actor: SignedIn): { orgs: Array<{ id: string; name: string }>; why: Blocked | null } {
	const providers = actor.memberships.filter((m) => isProviderKind(m.kind))
	const orgs = providers.filter((m) => m.status === 'verified' && roleAtLeast(m.role, 'admin')).map((m) => ({ id: m.orgId, name: m.orgName }))
	if (orgs.length) return { orgs, why: null }
	if (providers.some((m) => m.status === 'verified')) return { orgs, why: 'member_only' }
	if (providers.length) return { orgs, why: 'pending' }
	return { orgs, why: actor.memberships.length ? 'not_provider' : 'no_org' }
}

export async function loader({ request }: LoaderFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const url = new URL(request.url)
	const need = await getNeed(db, url.searchParams.get('need') ?? '', actor)
	if (!need) notFound('errors.need_not_found')
	const remaining = Math.max(need.target - need.progress.committed, 0)
	const summary = {
		id: need.id,
		title: need.title,
		villageName: need.villageName,
		villageCode: need.villageCode,
		orgName: need.orgName,
		category: need.category,
		measure: need.measure,
		unit: need.unit,
		target: need.target,
		committed: need.progress.committed,
		remaining,
		neededBy: need.neededBy,
	}
	const { orgs, why } = providerOrgs(actor)
	// In the order the model would refuse: whose village it is, the need's state, who may pledge, the gap.
	const blocked: Blocked | null = actor.memberships.some((m) => m.orgId === need.villageOrgId)
		? 'own_village'
		: need.status !== 'published'
			? 'not_open'
			: (why ?? (remaining <= 0 ? 'full' : null))
	if (blocked) {
		const status = blocked === 'not_open' || blocked === 'full' ? 409 : 403
		return data({ need: summary, blocked, orgs: [], offers: [], defaults: { providerOrgId: '', offerId: '' }, offerUnavailable: false, idempotencyKey: '', today: '', lapseDays: 0 }, { status })
	}

	// The offers a pledge could draw on: each org's active ones in the need's measure (and unit) serving
	// its category. Coverage and the validity window are checked by createCommitment.
	const today = chinaDayStart(Date.now())
	const perOrg = await Promise.all(orgs.map((o) => listOffersForOrg(db, o.id, actor)))
	const offers = perOrg
		.flat()
		.filter(
			(o) =>
				o.displayStatus === 'active' &&
				o.measure === need.measure &&
				(need.measure !== 'quantity' || o.unit === need.unit) &&
				o.categories.includes(need.category) &&
				Number(o.validFrom) <= Date.now() &&
				Number(o.validUntil) >= today,
		)
		.map((o) => ({ id: o.id, title: o.title, providerOrgId: o.providerOrgId, remaining: o.remaining }))
	const wanted = url.searchParams.get('offer')
	const preset = offers.find((o) => o.id === wanted)
	return {
		need: summary,
		blocked: null,
		orgs,
		offers,
		defaults: { providerOrgId: preset?.providerOrgId ?? (orgs.length === 1 ? orgs[0].id : ''), offerId: preset?.id ?? '' },
		offerUnavailable: !!wanted && !preset,
		// Fresh on every render: the same form posted twice carries the same key.
		idempotencyKey: crypto.randomUUID(),
		today: formatChinaDate(Date.now()),
		lapseDays: commitmentLapseDays(),
	}
}

export async function action({ request }: ActionFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const formData = withUnixNewlines(await request.formData())
	const needId = String(formData.get('needId') ?? '') || new URL(request.url).searchParams.get('need') || ''
	const need = await getNeed(db, needId, actor)
	if (!need) notFound('errors.need_not_found')
	const submission = parseWithZod(formData, { schema: commitmentSchema({ measure: need.measure }) })
	if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
	try {
		const created = await createCommitment(db, need.id, textValues(formData), actor)
		return redirect(`/commitments/${created.id}?notice=${created.replayed ? 'replayed' : 'created'}`)
	} catch (error) {
		return replyWithError(submission, error)
	}
}

// True once React has hydrated: only then may the offer list narrow to the chosen org.
function useHydrated() {
	const [hydrated, setHydrated] = useState(false)
	useEffect(() => setHydrated(true), [])
	return hydrated
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>

export default function NewCommitmentPage() {
	const { t } = useTranslation()
	const loaderData = useLoaderData<typeof loader>()
	return (
		<>
			<p className="crumbs">
				<Link to="/needs">{t('need.list_title')}</Link> › <Link to={`/needs/${loaderData.need.id}`}>{loaderData.need.title}</Link> ›
			</p>
			<h1>{t('commitment.new_title')}</h1>
			<NeedSummary need={loaderData.need} />
			{loaderData.blocked ? <CannotPledge reason={loaderData.blocked} needId={loaderData.need.id} /> : <PledgeForm data={loaderData} />}
		</>
	)
}

function NeedSummary({ need }: { need: LoaderData['need'] }) {
	const { t, i18n } = useTranslation()
	const lang = i18n.language
	return (
		<section className="card" aria-labelledby="h-need">
			<h2 id="h-need" style={{ marginTop: 0, overflowWrap: 'anywhere' }}>
				<Link to={`/needs/${need.id}`}>{need.title}</Link>
			</h2>
			<dl style={{ display: 'grid', gridTemplateColumns: 'minmax(5em, max-content) 1fr', gap: '4px 16px', margin: 0 }}>
				<dt className="muted">{t('need.detail.village')}</dt>
				<dd style={{ margin: 0, overflowWrap: 'anywhere' }}>
					{need.villageName} · {need.orgName}
				</dd>
				<dt className="muted">{t('need.detail.target')}</dt>
				<dd style={{ margin: 0 }}>{formatTarget(t, lang, need.measure, need.target, need.unit)}</dd>
				<dt className="muted">{t('need.detail.committed')}</dt>
				<dd style={{ margin: 0 }}>{formatMeasure(need.measure, need.committed, need.unit, lang)}</dd>
				<dt className="muted">{t('commitment.form.remaining')}</dt>
				<dd style={{ margin: 0, fontWeight: 700, fontSize: '1.15rem' }}>{formatMeasure(need.measure, need.remaining, need.unit, lang)}</dd>
				<dt className="muted">{t('need.detail.needed_by')}</dt>
				<dd style={{ margin: 0 }}>
					<time dateTime={formatChinaDate(need.neededBy)}>{formatChinaDate(need.neededBy)}</time>
				</dd>
			</dl>
		</section>
	)
}

/** Why this actor cannot pledge to this need, with the way forward. */
function CannotPledge({ reason, needId }: { reason: Blocked; needId: string }) {
	const { t } = useTranslation()
	return (
		<section className="card" role="status" aria-labelledby="h-cannot">
			<h2 id="h-cannot" style={{ marginTop: 0 }}>
				{t('commitment.cannot.title')}
			</h2>
			<p>{t(`commitment.cannot.${reason}`)}</p>
			<p style={{ marginBottom: 0, display: 'flex', flexWrap: 'wrap', gap: 8 }}>
				<Link to={`/needs/${needId}`} className="button secondary" style={{ ...tapStyle, lineHeight: '28px' }}>
					{t('commitment.cannot.back_to_need')}
				</Link>
				{reason === 'no_org' || reason === 'not_provider' ? (
					<Link to="/orgs/new" className="button secondary" style={{ ...tapStyle, lineHeight: '28px' }}>
						{t('commitment.cannot.register')}
					</Link>
				) : null}
				{reason === 'pending' || reason === 'member_only' ? (
					<Link to="/settings" className="button secondary" style={{ ...tapStyle, lineHeight: '28px' }}>
						{t('commitment.cannot.see_orgs')}
					</Link>
				) : null}
			</p>
		</section>
	)
}

type PledgeShape = { needId: string; providerOrgId: string; amount: string; dueAt: string; message: string; offerId: string; idempotencyKey: string }

function PledgeForm({ data: d }: { data: LoaderData }) {
	const { t, i18n } = useTranslation()
	const lang = i18n.language
	const actionData = useActionData<typeof action>()
	const navigation = useNavigation()
	const hydrated = useHydrated()
	const { need } = d
	const schema = commitmentSchema({ measure: need.measure })
	const [form, fields] = useForm<PledgeShape, unknown>({
		id: 'new-commitment',
		lastResult: actionData?.result,
		defaultValue: { providerOrgId: d.defaults.providerOrgId, offerId: d.defaults.offerId },
		onValidate: ({ formData }) => parseWithZod(formData, { schema }),
		shouldValidate: 'onBlur',
		shouldRevalidate: 'onInput',
	})
	const remaining = formatMeasure(need.measure, need.remaining, need.unit, lang)
	const chosenOrg = fields.providerOrgId.value
	// Without JavaScript every org's offers show, grouped; with it, only the chosen org's.
	const offerGroups = d.orgs
		.map((o) => ({ org: o, offers: d.offers.filter((x) => x.providerOrgId === o.id) }))
		.filter((g) => g.offers.length && (!hydrated || !chosenOrg || g.org.id === chosenOrg))
	const busy = navigation.state === 'submitting'
	const describe = (meta: { id: string; errorId: string; errors?: string[] }, hint = true) => [hint ? `${meta.id}-hint` : '', meta.errors?.length ? meta.errorId : ''].filter(Boolean).join(' ') || undefined
	const offerLabel = (o: (typeof d.offers)[number]) =>
		t('commitment.form.offer_option', {
			title: o.title,
			left: o.remaining === null ? t('offer.capacity_unlimited') : t('commitment.form.offer_left', { remaining: formatMeasure(need.measure, o.remaining, need.unit, lang) }),
		})

	return (
		<section className="card" aria-labelledby="h-pledge">
			<h2 id="h-pledge" style={{ marginTop: 0 }}>
				{t('commitment.new')}
			</h2>
			<p className="muted">{t('commitment.new_intro', { days: d.lapseDays })}</p>
			{d.offerUnavailable ? (
				<p className="form-errors" role="status">
					{t('commitment.form.offer_unavailable')}
				</p>
			) : null}
			<Form method="post" className="narrow" {...getFormProps(form)}>
				<div className={form.errors?.length ? 'form-errors' : undefined}>
					<ErrorList id={form.errorId} errors={form.errors} />
				</div>
				<input type="hidden" name="needId" value={need.id} />
				<input type="hidden" name="idempotencyKey" value={d.idempotencyKey} />
				{d.orgs.length === 1 ? (
					<>
						<input type="hidden" name={fields.providerOrgId.name} value={d.orgs[0].id} />
						<p>{t('commitment.form.provider_one', { name: d.orgs[0].name })}</p>
						<ErrorList id={fields.providerOrgId.errorId} errors={fields.providerOrgId.errors} />
					</>
				) : (
					<div className="field">
						<label htmlFor={fields.providerOrgId.id}>{t('commitment.fields.provider_org')}</label>
						<select {...getSelectProps(fields.providerOrgId, { ariaAttributes: true })} style={tapStyle}>
							<option value="">{t('need.form.choose')}</option>
							{d.orgs.map((o) => (
								<option key={o.id} value={o.id}>
									{o.name}
								</option>
							))}
						</select>
						<ErrorList id={fields.providerOrgId.errorId} errors={fields.providerOrgId.errors} />
					</div>
				)}

				<div className="field">
					<label htmlFor={fields.amount.id}>{need.measure === 'amount' ? t('commitment.fields.amount') : t('commitment.form.quantity_label', { unit: need.unit ?? '' })}</label>
					<input
						{...getInputProps(fields.amount, { type: 'text', ariaAttributes: true })}
						aria-describedby={describe(fields.amount)}
						inputMode={need.measure === 'amount' ? 'decimal' : 'numeric'}
						autoComplete="off"
						maxLength={18}
						style={tapStyle}
					/>
					<small id={`${fields.amount.id}-hint`} className="hint">
						{need.measure === 'amount' ? t('commitment.fields.amount_hint', { remaining }) : t('commitment.fields.quantity_hint', { unit: need.unit ?? '', remaining })}
					</small>
					<ErrorList id={fields.amount.errorId} errors={fields.amount.errors} />
				</div>

				<div className="field">
					<label htmlFor={fields.dueAt.id}>{t('commitment.fields.due_at')}</label>
					<input {...getInputProps(fields.dueAt, { type: 'date', ariaAttributes: true })} aria-describedby={describe(fields.dueAt)} min={d.today} style={tapStyle} />
					<small id={`${fields.dueAt.id}-hint`} className="hint">
						{t('commitment.fields.due_at_hint')}
						<br />
						{t('commitment.form.needed_by_note', { date: formatChinaDate(need.neededBy) })}
					</small>
					<ErrorList id={fields.dueAt.errorId} errors={fields.dueAt.errors} />
				</div>

				{d.offers.length ? (
					<div className="field">
						<label htmlFor={fields.offerId.id}>{t('commitment.fields.offer')}</label>
						<select {...getSelectProps(fields.offerId, { ariaAttributes: true })} aria-describedby={describe(fields.offerId)} style={tapStyle}>
							<option value="">{t('commitment.fields.offer_none')}</option>
							{offerGroups.length > 1 || (!hydrated && d.orgs.length > 1)
								? offerGroups.map((g) => (
										<optgroup key={g.org.id} label={g.org.name}>
											{g.offers.map((o) => (
												<option key={o.id} value={o.id}>
													{offerLabel(o)}
												</option>
											))}
										</optgroup>
									))
								: offerGroups
										.flatMap((g) => g.offers)
										.map((o) => (
											<option key={o.id} value={o.id}>
												{offerLabel(o)}
											</option>
										))}
						</select>
						<small id={`${fields.offerId.id}-hint`} className="hint">
							{t('commitment.fields.offer_hint')}
						</small>
						<ErrorList id={fields.offerId.errorId} errors={fields.offerId.errors} />
					</div>
				) : (
					<ErrorList id={fields.offerId.errorId} errors={fields.offerId.errors} />
				)}

				<div className="field">
					<label htmlFor={fields.message.id}>{t('commitment.fields.message')}</label>
					<textarea {...getTextareaProps(fields.message, { ariaAttributes: true })} aria-describedby={describe(fields.message)} rows={4} maxLength={COMMITMENT_MESSAGE_MAX} />
					<small id={`${fields.message.id}-hint`} className="hint">
						{t('commitment.fields.message_hint')}
					</small>
					<ErrorList id={fields.message.errorId} errors={fields.message.errors} />
				</div>
				<ErrorList errors={fields.idempotencyKey.errors} />

				<button type="submit" disabled={busy} style={{ ...tapStyle, width: '100%' }}>
					{t('commitment.actions.commit')}
				</button>
			</Form>
		</section>
	)
}
