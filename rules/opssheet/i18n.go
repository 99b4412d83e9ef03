package opssheet

import "github.com/liaisonhq/liaison/connectors"

type text struct {
	title, workload, utilisation, week, person, role, clients, maxClients, open, maxOpen string
	overdue, remaining, available, chart                                                 string
	roles                                                                                map[connectors.Role]string
}

var texts = map[connectors.Language]*text{
	connectors.LanguageEnglish: {title: "%s — ops", workload: "Workload", utilisation: "Utilisation", week: "Week",
		person: "Person", role: "Role", clients: "Active clients", maxClients: "Client limit", open: "Open tasks",
		maxOpen: "Task limit", overdue: "Overdue", remaining: "Estimated hours due", available: "Working hours",
		chart: "Utilisation: %s",
		roles: map[connectors.Role]string{connectors.RoleAccountManager: "account manager", connectors.RoleSpecialist: "specialist"}},
	connectors.LanguageRussian: {title: "%s — операционный лист", workload: "Загрузка", utilisation: "Утилизация", week: "Неделя",
		person: "Сотрудник", role: "Роль", clients: "Активные клиенты", maxClients: "Лимит клиентов", open: "Открытые задачи",
		maxOpen: "Лимит задач", overdue: "Просрочено", remaining: "Оценка часов к сроку", available: "Рабочие часы",
		chart: "Утилизация: %s",
		roles: map[connectors.Role]string{connectors.RoleAccountManager: "аккаунт-менеджер", connectors.RoleSpecialist: "специалист"}},
	connectors.LanguageUkrainian: {title: "%s — операційний аркуш", workload: "Завантаження", utilisation: "Утилізація", week: "Тиждень",
		person: "Співробітник", role: "Роль", clients: "Активні клієнти", maxClients: "Ліміт клієнтів", open: "Відкриті завдання",
		maxOpen: "Ліміт завдань", overdue: "Прострочено", remaining: "Оцінка годин до терміну", available: "Робочі години",
		chart: "Утилізація: %s",
		roles: map[connectors.Role]string{connectors.RoleAccountManager: "акаунт-менеджер", connectors.RoleSpecialist: "спеціаліст"}},
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
