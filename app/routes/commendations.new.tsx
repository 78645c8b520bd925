// An official creates a commendation campaign (表彰) at their level, saved as a draft. The form
// is checked on the client and again by the model, which decides the level and the organizer.
import { getFormProps, getSelectProps, getTextareaProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ErrorList, Field } from '#app/components/form.tsx'
import { AWARD_CATEGORIES, CAMPAIGN_TITLE_MAX, CampaignSchema, type CampaignValues, QUOTA_FIELDS } from '#app/models/commendation.schema.ts'
import { createCampaign, organizerOptions } from '#app/models/commendation.server.ts'
import { fullNames } from '#app/models/region.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { DAY_MS, chinaDayStart, chinaPeriod, chinaYearOf, formatChinaDate } from '#app/utils/china-date.ts'
import { replyWithError } from '#app/utils/http.server.ts'

export const meta: MetaFunction = () => [{ title: '新建表彰 · 帮扶 Bangfu' }]

export async function loader({ request }: LoaderFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const options = organizerOptions(actor)
	const names = await fullNames(
		db,
		options.map((o) => o.regionCode),
	)
	const now = Date.now()
	const lastYear = chinaYearOf(now) - 1
	const period = chinaPeriod(lastYear)
	return {
		options: options.map((o) => ({ ...o, regionName: names.get(o.regionCode) ?? '' })),
		defaults: {
			year: String(chinaYearOf(now)),
			level: options[0]?.level ?? '',
			organizerOrgId: options.length === 1 ? options[0].orgId : '',
			periodStart: formatChinaDate(period.start),
			periodEnd: formatChinaDate(period.end - DAY_MS),
			minAmount: '0',
			minCount: '1',
			nominationEndsOn: formatChinaDate(chinaDayStart(now) + 30 * DAY_MS),
		},
	}
}

export async function action({ request }: ActionFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const formData = await request.formData()
	const submission = parseWithZod(formData, { schema: CampaignSchema })
	if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
	try {
		// The raw values: the model parses them itself (with its own clock).
		const { id } = await createCampaign(db, submission.payload, actor)
		return redirect(`/commendations/${id}?notice=created`)
	} catch (error) {
		return replyWithError(submission, error)
	}
}

type CampaignFormShape = {
	title: string
	year: string
	level: string
	organizerOrgId: string
	description: string
	periodStart: string
	periodEnd: string
	minAmount: string
	minCount: string
	nominationEndsOn: string
	quotaAdvancedIndividual: string
	quotaAdvancedCollective: string
	quotaSocialContribution: string
}

export default function NewCampaignPage() {
	const { t } = useTranslation()
	const { options, defaults } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const navigation = useNavigation()
	const [form, fields] = useForm<CampaignFormShape, CampaignValues>({
		id: 'new-campaign',
		lastResult: actionData?.result,
		defaultValue: defaults,
		onValidate: ({ formData }) => parseWithZod(formData, { schema: CampaignSchema }),
		shouldValidate: 'onBlur',
		shouldRevalidate: 'onInput',
	})
	const levels = [...new Set(options.map((o) => o.level))]
	return (
		<>
			<p className="crumbs">
				<Link to="/commendations">{t('commendation.list_title')}</Link> ›
			</p>
			<h1>{t('commendation.new_title')}</h1>
			{options.length ? (
				<>
					<p className="muted">{t('commendation.new_intro')}</p>
					<section className="card">
						<Form method="post" className="narrow" {...getFormProps(form)}>
							<div className={form.errors?.length ? 'form-errors' : undefined}>
								<ErrorList id={form.errorId} errors={form.errors} />
							</div>
							<Field meta={fields.title} label={t('commendation.fields.title')} maxLength={CAMPAIGN_TITLE_MAX} />
							<Field meta={fields.year} label={t('commendation.fields.year')} inputMode="numeric" />
							<div className="field">
								<label htmlFor={fields.level.id}>{t('commendation.fields.level')}</label>
								<select {...getSelectProps(fields.level, { ariaAttributes: true })}>
									{levels.map((l) => (
										<option key={l} value={l}>
											{t(`commendation.level.${l}`)}
										</option>
									))}
								</select>
								<ErrorList id={fields.level.errorId} errors={fields.level.errors} />
							</div>
							<div className="field">
								<label htmlFor={fields.organizerOrgId.id}>{t('commendation.fields.organizer')}</label>
								<select {...getSelectProps(fields.organizerOrgId, { ariaAttributes: true })}>
									{options.length > 1 ? <option value="">{t('commendation.form.choose')}</option> : null}
									{options.map((o) => (
										<option key={`${o.level}-${o.orgId}`} value={o.orgId}>
											{t(`commendation.level.${o.level}`)} · {o.name || t('commendation.national_organizer')}
											{o.regionName ? ` (${o.regionName})` : ''}
										</option>
									))}
								</select>
								<small className="hint">{t('commendation.form.organizer_hint')}</small>
								<ErrorList id={fields.organizerOrgId.errorId} errors={fields.organizerOrgId.errors} />
							</div>
							<div className="field">
								<label htmlFor={fields.description.id}>{t('commendation.fields.description')}</label>
								<textarea {...getTextareaProps(fields.description, { ariaAttributes: true })} rows={4} />
								<ErrorList id={fields.description.errorId} errors={fields.description.errors} />
							</div>
							<fieldset className="card">
								<legend>{t('commendation.form.period')}</legend>
								<Field meta={fields.periodStart} type="date" label={t('commendation.fields.period_start')} />
								<Field meta={fields.periodEnd} type="date" label={t('commendation.fields.period_end')} hint={t('commendation.form.inclusive_hint')} />
							</fieldset>
							<fieldset className="card">
								<legend>{t('commendation.form.thresholds')}</legend>
								<Field meta={fields.minAmount} label={t('commendation.fields.min_amount')} inputMode="decimal" hint={t('commendation.form.min_amount_hint')} />
								<Field meta={fields.minCount} label={t('commendation.fields.min_count')} inputMode="numeric" />
							</fieldset>
							<Field meta={fields.nominationEndsOn} type="date" label={t('commendation.fields.nomination_ends')} hint={t('commendation.form.inclusive_hint')} />
							<fieldset className="card">
								<legend>{t('commendation.form.categories')}</legend>
								<p className="hint">{t('commendation.form.categories_hint')}</p>
								{AWARD_CATEGORIES.map((c) => (
									<Field key={c} meta={fields[QUOTA_FIELDS[c]]} label={t('commendation.form.quota_for', { category: t(`commendation.category.${c}`) })} inputMode="numeric" />
								))}
							</fieldset>
							<button type="submit" disabled={navigation.state === 'submitting'} style={{ minHeight: 44 }}>
								{t('commendation.actions.create')}
							</button>
						</Form>
					</section>
				</>
			) : (
				<section className="card" role="status">
					<p>{t('commendation.cannot_create')}</p>
					<p>
						<Link to="/commendations">{t('commendation.list_title')}</Link>
					</p>
				</section>
			)}
		</>
	)
}
