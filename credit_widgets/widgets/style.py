"""The page's look: its `cw-*` classes (the hooks browser tests rely on are listed in app.py)."""

PAGE_CSS = """<style>
.cw-app {font-size: 14px; color: #1a1a1a; max-width: 1180px}
.cw-app h2 {margin: 4px 0} .cw-app h3 {margin: 10px 0 4px; font-size: 16px}
.cw-card {border: 1px solid #c8c8c8; border-radius: 6px; padding: 8px 12px; margin: 4px 0}
.cw-verdict-box {font-size: 22px; font-weight: bold; padding: 8px 14px; border-radius: 6px; border-left: 10px solid}
.cw-app .cw-error .widget-html-content, .cw-app .cw-message .widget-html-content,
.cw-app .cw-client-error .widget-html-content {color: #a40000; font-weight: bold}
.cw-app .cw-message .widget-html-content {font-size: 12px; line-height: 1.3; white-space: normal}
.cw-app .cw-invalid input {border: 2px solid #a40000; background: #fff3f3}
.cw-app .cw-simulated input {border: 2px dashed #0072B2}
.cw-app .cw-no-decision .widget-html-content {white-space: normal}
.cw-no-decision-box {border-left: 10px solid #8a8a8a; background: #f3f3f3; padding: 8px 14px; border-radius: 6px}
.cw-simulation-box {border: 2px dashed #0072B2; background: #eef5fb; padding: 6px 12px; border-radius: 6px}
.cw-app .cw-suggestion {height: auto; white-space: normal; text-align: left; padding: 4px 8px}
.cw-reasons li {margin: 2px 0} .cw-facts td {padding: 1px 10px 1px 0}
.cw-app .widget-label, .cw-app .widget-html-content {color: #1a1a1a}
.cw-app .bqplot .toolbar, .cw-app .bqplot button {display: none}
</style>"""
