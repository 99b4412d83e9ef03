package invoice

import "github.com/liaisonhq/liaison/connectors"

type text struct {
	title, summary, month, client, currency, hours, labour, retainer, spend, fee, total, adjustments string
	person, role, rate, amount, noRate, spendRef, feeOf, changed, fromTo                             string
	roles                                                                                            map[connectors.Role]string
}

var texts = map[connectors.Language]*text{
	connectors.LanguageEnglish: {
		title: "%s — invoice data", summary: "Summary", month: "Month", client: "Client", currency: "Currency",
		hours: "Hours", labour: "Work", retainer: "Retainer", spend: "Ads spend", fee: "Management fee", total: "Total",
		adjustments: "Changes after invoicing", person: "Person", role: "Role", rate: "Rate", amount: "Amount",
		noRate: "no rate", spendRef: "Google Ads spend (paid by the client, for reference)", feeOf: "Management fee, %s %% of spend",
		changed: "Worklogs changed after invoicing on %s (invoice in the next run):", fromTo: "%s → %s h",
		roles: map[connectors.Role]string{connectors.RoleAccountManager: "account manager", connectors.RoleSpecialist: "specialist",
			connectors.RoleHead: "head of accounts", connectors.RoleFinance: "finance", "": "not in the config"},
	},
	connectors.LanguageRussian: {
		title: "%s — данные для счетов", summary: "Сводка", month: "Месяц", client: "Клиент", currency: "Валюта",
		hours: "Часы", labour: "Работы", retainer: "Абонплата", spend: "Расход Ads", fee: "Комиссия", total: "Итого",
		adjustments: "Изменения после выставления", person: "Сотрудник", role: "Роль", rate: "Ставка", amount: "Сумма",
		noRate: "нет ставки", spendRef: "Расход Google Ads (оплачивает клиент, для справки)", feeOf: "Комиссия за ведение, %s %% от расхода",
		changed: "Ворклоги изменены после выставления счёта %s (войдут в следующий счёт):", fromTo: "%s → %s ч",
		roles: map[connectors.Role]string{connectors.RoleAccountManager: "аккаунт-менеджер", connectors.RoleSpecialist: "специалист",
			connectors.RoleHead: "руководитель", connectors.RoleFinance: "финансы", "": "нет в конфигурации"},
	},
	connectors.LanguageUkrainian: {
		title: "%s — дані для рахунків", summary: "Зведення", month: "Місяць", client: "Клієнт", currency: "Валюта",
		hours: "Години", labour: "Роботи", retainer: "Абонплата", spend: "Витрати Ads", fee: "Комісія", total: "Разом",
		adjustments: "Зміни після виставлення", person: "Співробітник", role: "Роль", rate: "Ставка", amount: "Сума",
		noRate: "немає ставки", spendRef: "Витрати Google Ads (сплачує клієнт, для довідки)", feeOf: "Комісія за ведення, %s %% від витрат",
		changed: "Ворклоги змінено після виставлення рахунку %s (увійдуть до наступного рахунку):", fromTo: "%s → %s год",
		roles: map[connectors.Role]string{connectors.RoleAccountManager: "акаунт-менеджер", connectors.RoleSpecialist: "спеціаліст",
			connectors.RoleHead: "керівник", connectors.RoleFinance: "фінанси", "": "немає в конфігурації"},
	},
}

func textFor(lang connectors.Language) *text {
	if t, ok := texts[lang]; ok {
		return t
	}
	return texts[connectors.LanguageEnglish]
}

func (t *text) roleName(r connectors.Role) string {
	if s, ok := t.roles[r]; ok {
		return s
	}
	return string(r)
}

func locale(lang connectors.Language) string {
	switch lang {
	case connectors.LanguageRussian:
		return "ru_RU"
	case connectors.LanguageUkrainian:
		return "uk_UA"
	}
	return "en_US"
}
