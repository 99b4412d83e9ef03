package page

// css is the whole stylesheet, inline so the page needs nothing else. Sizes
// and colours follow Slack's desktop client; fonts are the system's, with
// families that cover Cyrillic listed before the generic fallback.
const css = `
*{box-sizing:border-box}
html,body{margin:0;padding:0}
body{font-family:-apple-system,BlinkMacSystemFont,"Segoe UI","Helvetica Neue",Lato,Roboto,"Noto Sans","DejaVu Sans","Liberation Sans",Arial,sans-serif;font-size:15px;line-height:1.46668;color:#1d1c1d;background:#fff;-webkit-font-smoothing:antialiased}
a{color:#1264a3;text-decoration:none}
a:hover{text-decoration:underline}
code,pre,.metadata{font-family:Monaco,Menlo,Consolas,"DejaVu Sans Mono","Liberation Mono","Courier New",monospace}
.app{display:flex;align-items:flex-start;min-height:100vh}
.sidebar{position:sticky;top:0;flex:0 0 260px;width:260px;height:100vh;overflow-y:auto;background:#3f0e40;color:#cfc3cf;padding:0 0 24px;font-size:15px}
.ws{padding:14px 16px 12px;border-bottom:1px solid #522653;margin-bottom:10px}
.ws-name{color:#fff;font-weight:900;font-size:18px;line-height:1.33;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.ws-sub{font-size:13px;color:#cfc3cf;margin-top:2px}
.dot{display:inline-block;width:8px;height:8px;border-radius:50%;background:#2bac76;margin-right:6px;vertical-align:1px}
.nav-heading{margin:16px 16px 4px;font-size:13px;font-weight:700;color:#bcabbc;text-transform:none}
.nav-item{display:flex;align-items:center;gap:8px;height:28px;padding:0 16px;color:#cfc3cf;text-decoration:none;white-space:nowrap}
.nav-item:hover{background:#350d36;text-decoration:none}
.nav-icon{flex:0 0 16px;text-align:center;opacity:.8}
.nav-name{flex:1 1 auto;overflow:hidden;text-overflow:ellipsis}
.nav-shared{font-size:12px;opacity:.7}
.nav-count{font-size:12px;font-weight:700;background:#cd2553;color:#fff;border-radius:9px;padding:0 6px;line-height:18px}
.main{flex:1 1 auto;min-width:0;padding:0 0 48px}
.top{padding:20px 32px 20px;border-bottom:1px solid #e2e2e2;background:#f8f8f8}
.top h1{margin:0;font-size:22px;font-weight:900;line-height:1.3}
.top-meta{color:#616061;font-size:14px;margin-top:4px}
.top-agency{font-weight:700;color:#1d1c1d}
.stats{display:flex;flex-wrap:wrap;gap:12px;margin-top:16px}
.stat{background:#fff;border:1px solid #dddddd;border-radius:8px;padding:10px 16px;min-width:140px}
.stat-value{font-size:24px;font-weight:900;line-height:1.2}
.stat-label{font-size:13px;color:#616061}
.conv{border-bottom:1px solid #e2e2e2;padding:0 0 12px}
.conv-head{display:flex;align-items:center;gap:8px;padding:14px 32px 4px;font-size:18px;font-weight:900}
.conv-icon{color:#616061;font-weight:400}
.conv-shared{font-size:12px;font-weight:700;color:#1264a3;background:#e8f5fa;border-radius:4px;padding:1px 6px}
.conv-members{margin-left:auto;font-size:13px;font-weight:400;color:#616061;border:1px solid #dddddd;border-radius:6px;padding:2px 8px}
.conv-sub{padding:0 32px 8px;font-size:13px;color:#616061;border-bottom:1px solid #eeeeee}
.conv-body{padding:4px 0}
.empty{padding:12px 32px;color:#616061;font-style:italic}
.day{position:relative;text-align:center;margin:16px 0 8px}
.day:before{content:"";position:absolute;left:0;right:0;top:50%;border-top:1px solid #dddddd}
.day span{position:relative;display:inline-block;background:#fff;border:1px solid #dddddd;border-radius:24px;padding:0 14px;font-size:13px;font-weight:700;line-height:26px}
.msg{padding:8px 32px 8px 20px;margin-left:0;border-left:4px solid transparent}
.msg:hover{background:#f8f8f8}
.msg-row{display:flex;align-items:flex-start;gap:8px}
.avatar{flex:0 0 36px;width:36px;height:36px;border-radius:6px;color:#fff;font-weight:700;font-size:14px;line-height:36px;text-align:center;letter-spacing:.5px;margin-top:3px}
.av0{background:#4a154b}.av1{background:#1264a3}.av2{background:#2bac76}.av3{background:#e01e5a}
.av4{background:#ecb22e;color:#1d1c1d}.av5{background:#0b4c8c}.av6{background:#8d4f0f}.av7{background:#5b6b7a}
.msg-content{flex:1 1 auto;min-width:0;max-width:860px}
.msg-head{display:flex;align-items:baseline;flex-wrap:wrap;gap:6px;line-height:1.4}
.msg-name{font-weight:900}
.app-badge{font-size:10px;font-weight:700;color:#616061;background:rgba(29,28,29,.13);border-radius:2px;padding:1px 3px;line-height:1.25;align-self:center}
.org-badge{font-size:11px;font-weight:700;color:#1264a3;background:#e8f5fa;border:1px solid #bfe1f0;border-radius:4px;padding:0 5px;line-height:1.4;align-self:center}
.msg-time{font-size:12px;color:#616061}
.resolved-tag{font-size:12px;font-weight:700;color:#007a5a;background:#e3f4ec;border-radius:4px;padding:0 6px;align-self:center}
.msg-body{overflow-wrap:anywhere;word-break:normal}
.edited{font-size:13px;color:#616061;margin-left:4px}
.msg-resolved{border-left-color:#2bac76}
.msg-resolved .msg-body{opacity:.72}
.msg-ephemeral{background:#f4f7fa}
.msg-ephemeral:hover{background:#eef3f8}
.eph-note{font-size:12px;color:#616061;margin:0 0 4px 44px}
.eph-eye{opacity:.8}
.badges{display:flex;flex-wrap:wrap;gap:6px;margin-top:6px}
.tag{display:inline-block;font-size:12px;font-weight:700;border-radius:4px;padding:1px 7px;line-height:18px;white-space:nowrap}
.tag-gray{background:#f0f0f0;color:#454245}
.tag-red{background:#fde8ee;color:#b0163f}
.tag-blue{background:#e8f5fa;color:#0b5689}
.tag-amber{background:#fdf3da;color:#8a5a00}
.tag-green{background:#e3f4ec;color:#006048}
.tag-purple{background:#f1e8f5;color:#5e1f60}
.tag-jira{background:#deebff;color:#0747a6}
.metadata{font-size:11px;color:#868686;margin-top:4px;overflow-wrap:anywhere}
.thread-link{margin-top:6px;font-size:13px;font-weight:700;color:#1264a3}
.thread{margin-top:4px;border-left:2px solid #dddddd;margin-left:-8px}
.thread .msg{padding:6px 0 6px 14px;border-left:0}
.thread .msg:hover{background:transparent}
.thread .eph-note{margin-left:44px}
.md-code{font-size:12px;color:#c01343;background:rgba(29,28,29,.04);border:1px solid rgba(29,28,29,.13);border-radius:3px;padding:2px 3px 1px}
.md-pre{font-size:12px;line-height:1.5;background:rgba(29,28,29,.04);border:1px solid rgba(29,28,29,.13);border-radius:4px;padding:8px;margin:4px 0;white-space:pre-wrap;overflow-wrap:anywhere}
.md-quote{margin:4px 0;padding:0 0 0 12px;border-left:4px solid #dddddd}
.md-link{color:#1264a3}
.mention{white-space:nowrap;color:#1264a3;background:rgba(29,155,209,.1);border-radius:3px;padding:0 2px;font-weight:400}
.mention.broadcast{color:#8a5a00;background:rgba(242,199,68,.3)}
.emoji{font-family:"Apple Color Emoji","Segoe UI Emoji","Noto Color Emoji",sans-serif;font-style:normal}
.bk-header{font-size:18px;font-weight:900;line-height:1.33;margin:4px 0}
.bk-section{display:flex;align-items:flex-start;gap:12px;margin:4px 0}
.bk-section-body{flex:1 1 auto;min-width:0}
.bk-accessory{flex:0 0 auto}
.bk-fields{display:grid;grid-template-columns:1fr 1fr;gap:8px 16px;margin-top:6px}
.bk-text + .bk-fields{margin-top:8px}
.bk-divider{border:0;border-top:1px solid #dddddd;margin:10px 0}
.bk-context{display:flex;flex-wrap:wrap;align-items:center;gap:4px 10px;font-size:12px;color:#616061;margin:6px 0}
.bk-ctx-img{font-size:11px;color:#868686}
.bk-actions{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0 4px}
.bk-btn{display:inline-block;height:28px;line-height:26px;padding:0 12px;font-size:13px;font-weight:700;color:#1d1c1d;background:#fff;border:1px solid rgba(29,28,29,.3);border-radius:4px;white-space:nowrap;cursor:default}
.bk-btn-primary{background:#007a5a;border-color:#007a5a;color:#fff}
.bk-btn-danger{background:#e01e5a;border-color:#e01e5a;color:#fff}
.bk-overflow{padding:0 8px;font-size:16px}
.bk-select{display:inline-flex;align-items:center;gap:6px;height:28px;padding:0 8px 0 12px;font-size:13px;border:1px solid rgba(29,28,29,.3);border-radius:4px;background:#fff;white-space:nowrap}
.bk-caret{color:#616061;font-size:12px}
.bk-placeholder{color:#868686}
.bk-options{display:inline-flex;flex-direction:column;gap:2px;font-size:14px}
.bk-image{margin:6px 0}
.bk-image-title{font-size:13px;color:#616061;margin-bottom:4px}
.bk-image-box,.bk-acc-img{display:flex;align-items:center;justify-content:center;gap:6px;background:#f4f4f4;border:1px dashed #c8c8c8;border-radius:6px;color:#616061;font-size:13px;text-align:center}
.bk-image-box{max-width:360px;min-height:120px;padding:12px}
.bk-acc-img{flex-direction:column;width:88px;height:88px;padding:4px;font-size:11px;overflow:hidden}
.bk-image-icon{font-size:18px}
.bk-unsupported{font-size:12px;color:#868686;margin:2px 0}
.rt-section{margin:0}
.rt-list{margin-top:2px;margin-bottom:2px;padding-left:28px}
.reports{border-bottom:1px solid #e2e2e2}
.report{padding:16px 32px;border-top:1px solid #eeeeee}
.report h2,.transcript h2{margin:0 0 12px;font-size:18px;font-weight:900}
.report-body table{border-collapse:collapse;font-size:14px}
.report-body th,.report-body td{border:1px solid #dddddd;padding:4px 10px;text-align:left}
.transcript{padding:16px 32px}
.log{width:100%;border-collapse:collapse;font-size:14px}
.log th{text-align:left;font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:#616061;border-bottom:2px solid #dddddd;padding:6px 10px}
.log td{padding:6px 10px;border-bottom:1px solid #eeeeee;vertical-align:top}
.log tbody tr:nth-child(even){background:#fafafa}
.log-time{white-space:nowrap;color:#454245;font-variant-numeric:tabular-nums;width:1%}
.log-actor{font-weight:700;white-space:nowrap;width:1%}
.log-text{overflow-wrap:anywhere}
`
