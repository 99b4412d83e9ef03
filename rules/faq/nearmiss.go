package faq

import (
	"strings"

	"github.com/liaisonhq/liaison/connectors"
)

// nearMisses are questions an SEO/PPC agency's clients ask that a typical
// answer base does not cover, yet that share its words: other ad
// platforms, websites and hosting, prices and discounts, contracts and
// documents, the team and its schedule, advice outside the work. They act
// as the negative phrasings of "none of these": an entry is not suggested
// for a message at least as close to one of them as to the entry's own
// phrasings. An agency whose base does answer one of these topics keeps
// its entry: its own phrasings match the message better. One phrasing a
// line.
var nearMisses = map[connectors.Language]string{
	connectors.LanguageRussian: `
Вы ведёте рекламу в TikTok?
Можете запустить нам рекламу в Instagram и Facebook?
Вы работаете с Яндекс Директ?
Настраиваете ли вы рекламу в LinkedIn?
Можете сделать нам новый сайт?
Сколько стоит разработка интернет-магазина?
Можете нарисовать логотип?
Сайт не открывается, это у вас что-то сломалось?
Почему не работает почта на нашем домене?
Нужно ли нам менять хостинг?
Сколько стоят ваши услуги по SMM?
Дадите скидку, если оплатим за год вперёд?
Подняли ли вы цены в этом году?
Пришлите коммерческое предложение на аудит сайта
Можно выставить счёт на другое юрлицо?
Будет ли в счёте НДС?
Подпишите, пожалуйста, акт выполненных работ
Что будет с рекламным аккаунтом, если мы расторгнем договор?
Можно сменить аккаунт-менеджера?
Вы работаете в праздники и на выходных?
В каком часовом поясе ваша команда?
Где находится ваш офис?
Вы ищете дизайнеров в команду?
Есть у вас кейсы клиник или стоматологий?
Посоветуйте CRM для учёта заявок
Забыли пароль от Google Ads, как восстановить?
Как удалить доступ бывшего сотрудника к аналитике?
Почему в GA4 и Google Ads разное число конверсий?
Конкурент покупает рекламу по нашему бренду, это законно?
Можно ли удалить плохой отзыв на Google Картах?
Вредит ли SEO текст, написанный нейросетью?
Переезжаем на новый домен, не потеряем позиции?
Можете писать нам статьи для блога?
Гарантируете топ-3 к концу года?
Можно отчёт на английском языке?
Видели новый сайт конкурента?
Стоит ли выключать рекламу на праздники?
Можете пополнить баланс рекламы со своей карты, а мы вам компенсируем?
Почему один конкретный запрос опустился на несколько позиций, а остальные на месте?
По одному запросу позиция упала, почему именно он?
Как нам самим настроить событие в GA4 на нажатие кнопки?
Можно настроить расписание рекламы только на рабочее время?
Я в отпуске до понедельника, по срочным вопросам пишите моему коллеге
Сколько стоит SEO-аудит и продвижение сайта?
Нарисуете баннеры для соцсетей к нашей распродаже?
Подключите приём оплаты картой на нашем сайте
`,
	connectors.LanguageUkrainian: `
Ви ведете рекламу в TikTok?
Можете запустити нам рекламу в Instagram і Facebook?
Чи налаштовуєте ви рекламу в LinkedIn?
Можете зробити нам новий сайт?
Скільки коштує розробка інтернет-магазину?
Можете намалювати логотип?
Сайт не відкривається, це у вас щось зламалося?
Чому не працює пошта на нашому домені?
Чи треба нам міняти хостинг?
Скільки коштують ваші послуги з SMM?
Дасте знижку, якщо оплатимо за рік наперед?
Чи підняли ви ціни цього року?
Надішліть комерційну пропозицію на аудит сайту
Чи можна виставити рахунок на іншу юрособу?
Чи буде в рахунку ПДВ?
Підпишіть, будь ласка, акт виконаних робіт
Що буде з рекламним акаунтом, якщо ми розірвемо договір?
Чи можна змінити акаунт-менеджера?
Ви працюєте у свята та вихідні?
У якому часовому поясі ваша команда?
Де знаходиться ваш офіс?
Чи шукаєте ви дизайнерів у команду?
Чи є у вас кейси клінік або стоматологій?
Порадьте CRM для обліку заявок
Забули пароль від Google Ads, як відновити?
Як видалити доступ колишнього співробітника до аналітики?
Чому в GA4 і Google Ads різна кількість конверсій?
Конкурент купує рекламу за нашим брендом, це законно?
Чи можна видалити поганий відгук на Google Картах?
Чи шкодить SEO текст, написаний нейромережею?
Переїжджаємо на новий домен, чи не втратимо позиції?
Можете писати нам статті для блогу?
Гарантуєте топ-3 до кінця року?
Чи можна звіт англійською мовою?
Бачили новий сайт конкурента?
Чи варто вимикати рекламу на свята?
Можете поповнити баланс реклами зі своєї картки, а ми вам компенсуємо?
Чому один конкретний запит опустився на кілька позицій, а решта на місці?
По одному запиту позиція впала, чому саме він?
Як нам самим налаштувати подію в GA4 на натискання кнопки?
Можна налаштувати розклад реклами лише на робочий час?
Я у відпустці до понеділка, з термінових питань пишіть моєму колезі
Скільки коштує SEO-аудит і просування сайту?
Намалюєте банери для соцмереж до нашого розпродажу?
Підключіть прийом оплати карткою на нашому сайті
`,
	connectors.LanguageEnglish: `
Do you run TikTok ads?
Can you set up Instagram and Facebook ads for us?
Do you do LinkedIn advertising?
Do you handle Bing or Microsoft Ads?
Can you build us a new website?
How much does an online store cost to build?
Can you design a logo?
The website is down, is that something on your end?
Why isn't email on our domain working?
Should we change our hosting?
How much do you charge for social media management?
Is there a discount if we pay for the year upfront?
Have your rates gone up this year?
Send us a quote for a site audit
Can you invoice a different legal entity?
Does the invoice include VAT?
Please sign the certificate of completed work
What happens to the ads account if we end the contract?
Can we get a different account manager?
Do you work on holidays and weekends?
What time zone is your team in?
Where is your office?
Are you hiring designers?
Do you have case studies from clinics or dentists?
Can you recommend a CRM for tracking leads?
We forgot the Google Ads password, how do we recover it?
How do we remove a former employee's access to analytics?
Why do GA4 and Google Ads show different conversion numbers?
A competitor is bidding on our brand name, is that allowed?
Can you get a bad review removed from Google Maps?
Is AI-written content bad for SEO?
We're moving to a new domain, will we lose our rankings?
Can you write blog articles for us?
Can you guarantee a top 3 position by the end of the year?
Can we get the report in another language?
Did you see our competitor's new website?
Should we switch off ads over the holidays?
Can you top up our ads balance with your card and bill us for it?
Why did one particular keyword slip a few positions while the rest held?
One keyword dropped in position, why that one?
How do we set up a GA4 event on a button click ourselves?
Can you set an ad schedule for business hours only?
I'm on vacation next week, contact my colleague with anything urgent
How much do an SEO audit and site promotion cost?
Can you design social media banners for our sale?
Can you set up card payments on our website?
`,
}

// nearMissPhrasings returns the near misses per language, one phrasing each.
func nearMissPhrasings() map[connectors.Language][]string {
	out := map[connectors.Language][]string{}
	for lang, text := range nearMisses {
		for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
			if line = strings.TrimSpace(line); line != "" {
				out[lang] = append(out[lang], line)
			}
		}
	}
	return out
}
