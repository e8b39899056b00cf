#!/usr/bin/env bash
# test_note_tui.sh -- the follow-up note form (also the after-call form) in
# tmux: saved with an empty Next contact it keeps the planned contact on
# the card and its reminder (issue 12); "-" in the field drops it, audited,
# and so does 无 in a Chinese session.
. "$(dirname "$0")/../lib.sh"
t_tmp
t_seed || { t_ok "seed" 1; exit 1; }
export TZ=Asia/Shanghai
: >"$T_DIR/simdesk.conf"	# tui_session passes SIMDESK_CONF on: the defaults
export SIMDESK_CONF="$T_DIR/simdesk.conf"
OP="as operator operatorpw1"
PLAN=$(sdate -d "tomorrow 09:00" '+%Y-%m-%d %H:%M')
UNTIL=$(sdate -d '+3 days' '+%Y-%m-%d %H:%M')
$OP simdeskctl customer add --name 王小明 --phone 13912340000 >/dev/null
$OP simdeskctl note add 13912340000 "约好明早再打" --next "$PLAN" >/dev/null
t_ok "a customer with a planned contact" $?

TUI_SOCK="simdesk-note-$$"
cleanup_tmux() { tm kill-server 2>/dev/null; t_cleanup; }
trap cleanup_tmux EXIT
W=op
tui_session op
wait_for "the login screen" "Log in" 300 || exit 1
keys operator Tab operatorpw1 Enter
wait_for "the operator's desk" "Operator desk" 300 || exit 1
keys 1
wait_for "my customers" "王小明 +13912340000" 300
keys Enter
wait_for "the card" "王小明  #1" 300
wait_for "... with the planned contact" "Next contact +● $PLAN" 300

# Saved with the Next contact left empty: the plan stays.
keys n
wait_for "n opens the note form" "Follow-up note" 300
wait_for "... showing what is planned" "Planned +$PLAN" 300
keys F1
wait_for "its help says an empty Next contact keeps the plan" "the planned contact shown above it stays" 300
wait_for "... and how to drop it" "or none drops it" 300
keys Escape
wait_for "back in the form" "What was said" 300
keys "客户没接" F2
wait_for "F2 saves the note" "Note saved" 300
wait_for "... on the card" "客户没接" 300
wait_for "... which still shows the planned contact" "Next contact +● $PLAN" 300
t_rc 0 "the reminder is still there" $OP simdeskctl --json reminder list --until "$UNTIL"
t_grep "... for the customer" '"customer_name": "王小明"' "$T_DIR/out"

# "-" in Next contact drops it, and says so in the audit trail.
keys n
wait_for "the note form again" "Follow-up note" 300
keys "客户说不用再联系" Tab - F2
wait_for "F2 saves it" "Note saved" 300
wait_for "... the card says none planned" "Next contact +● none planned" 300
t_rc 0 "the reminder is gone" $OP simdeskctl --json reminder list --until "$UNTIL"
t_nogrep "... for the customer" '王小明' "$T_DIR/out"
t_rc 0 "the audit trail" simdeskctl --json audit list --op note.next_clear
t_grep "... has the dropped contact" "\"before\": \"next_at=$PLAN:00\"" "$T_DIR/out"

# Times as people type them (issue 12): checked as the field is left, and
# the date understood shown beside it.
TOMORROW=$(sdate -d tomorrow +%Y-%m-%d)
keys n
wait_for "the note form once more" "Follow-up note" 300
keys "明天再打" Tab soon Tab
wait_for "a time that is not one is refused as the field is left" "'soon' is not a time" 300
keys Up BSpace BSpace BSpace BSpace "tomorrow 10:00" Tab
wait_for "tomorrow 10:00 is echoed as the date understood" "→ $TOMORROW 10:00" 300
keys F2
wait_for "... and saved" "Note saved" 300
wait_for "... as the next contact" "Next contact +● $TOMORROW 10:00" 300

# In Chinese the form says the same, and the word for none (无) drops it.
$OP simdeskctl note add 13912340000 "再约一次" --next "$PLAN" >/dev/null
W=zh
tm new-session -d -s zh -x 120 -y 32 \
    "env LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 TZ=$TZ SIMDESK_CONF=$SIMDESK_CONF SIMDESK_DATA=$SIMDESK_DATA $T_TOP/build/bin/simdesk -l; echo EXITED \$?; sleep 30"
wait_for "a session in Chinese" "登录" 300 || exit 1
keys operator Tab operatorpw1 Enter
wait_for "... at the operator's desk" "坐席工作台" 300 || exit 1
keys 1
wait_for "... my customers" "王小明 +13912340000" 300
keys Enter
wait_for "... the card" "王小明  #1" 300
keys n
wait_for "... the note form shows the plan" "已安排 +$PLAN" 300
keys "客户不需要了" Tab 无 F2
wait_for "无 saves the note" "跟进已保存" 300
wait_for "... and drops the planned contact" "下次联系 +● 未安排" 300
keys n
wait_for "... the note form again" "已安排" 300
keys "明天再打" Tab "明天 10:00" Tab
wait_for "明天 10:00 is understood too" "→ $TOMORROW 10:00" 300
keys F2
wait_for "... and saved" "跟进已保存" 300

# A supervisor's "team's overdue reminders" lists only what is overdue,
# never a team member's contact still to come (issue 12).
$OP simdeskctl customer add --name 李未来 --phone 13912340001 >/dev/null
$OP simdeskctl note add 13912340001 "下周再联系" --next "$PLAN" >/dev/null
t_ok "an operator plans a contact for tomorrow" $?
W=sup
tui_session sup
wait_for "the supervisor logs in" "Log in" 300 || exit 1
keys supervisor Tab supervisorpw1 Enter
wait_for "... to the home menu" "Reminders" 300 || exit 1
n=$(grep -oE '^ +([0-9]) +Reminders' "$T_DIR/screen" | grep -oE '[0-9]' | head -1)
keys "$n" T
wait_for "T shows the team's overdue reminders" "Your team's overdue reminders" 300
wait_for "... nothing is overdue" "Nothing planned" 300
not_on "... tomorrow's contact is not among them" "李未来" 1
