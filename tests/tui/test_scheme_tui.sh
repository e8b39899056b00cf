#!/usr/bin/env bash
# test_scheme_tui.sh -- the commission scheme editor in simdesk (issue 16),
# at 80x24: an admin opens Schemes from the Settlements screen, adds a
# scheme, a plan's bounty and share, and a tier from the forms, and the CLI
# shows exactly that; a change with a later effective date is a new
# version, the one in force unchanged; a percentage over 100 is refused in
# one line and nothing is written; the list counts the agents a scheme is
# in force for; an agent user is not offered the editor (nor its key), a
# cashier not even the Settlements screen; the screen in Chinese.
. "$(dirname "$0")/../lib.sh"
t_tmp
t_seed || { t_ok "seed data" 1; exit 1; }
export TZ=Asia/Shanghai
: >"$T_DIR/simdesk.conf"
export SIMDESK_CONF="$T_DIR/simdesk.conf"
TOMORROW=$(sdate -d tomorrow +%F)
simdeskctl agent approve A1 >/dev/null
simdeskctl plan add P39 --name 39元卡 --monthly-fee 39 >/dev/null

TUI_SOCK="simdesk-scheme-$$"
cleanup_tmux() { tm kill-server 2>/dev/null; t_cleanup; }
trap cleanup_tmux EXIT
start() {	# NAME [LANG]: simdesk at 80x24
	tm new-session -d -s "$1" -x 80 -y 24 \
	    "env LANG=${2:-C.UTF-8} LC_ALL=${2:-C.UTF-8} TZ=$TZ SIMDESK_CONF=$SIMDESK_CONF SIMDESK_DATA=$SIMDESK_DATA $T_TOP/build/bin/simdesk -l; echo EXITED \$?; sleep 30"
}
pick() {	# LABEL: the menu entry's number key
	local n
	n=$(screen | grep -oE "[0-9]+  $1" | head -1 | grep -oE '^[0-9]+')
	keys "$n"
}
show() { simdeskctl commission scheme show S1; }

W=adm
start adm
wait_for "an admin at 80x24" "Log in" 300 || exit 1
keys admin Tab adminpw1 Enter
wait_for "... signed in" "Settlements and commissions" 300 || exit 1
pick "Settlements and commissions"
wait_for "the Settlements screen offers the schemes" "s Schemes"
keys s
wait_for "Schemes: none yet" "No schemes yet"
keys a
wait_for "a: the form for a scheme" "New scheme or version"
keys S1 Tab 华南方案 Tab Tab 3 Tab 30 Tab 20,10 F2
wait_for "... added as version 1" "Scheme S1: version 1\\."
wait_for "... in the list: one version, in force" "S1 +华南方案 +1 +v1 +0 +0"
keys b
wait_for "b: the bounty form, for the selected scheme" "Plan bounty and share"
keys P39 Tab 12.5 Tab 5 Tab 12 F2
wait_for "... version 2" "Scheme S1: version 2\\."
keys t
wait_for "t: the tier form" "Volume tier"
keys 11 Tab 5 F2
wait_for "... version 3" "Scheme S1: version 3\\."
wait_for "... three versions, v3 in force" "S1 +华南方案 +3 +v3"
cat >"$T_DIR/want" <<EOF
S1 v1  华南方案  from -  frozen 3 days, protected 30 days, overrides 20.00%, 10.00%
S1 v2  华南方案  from -  frozen 3 days, protected 30 days, overrides 20.00%, 10.00%
  plan P39              bounty 12.50, share 5.00% for 12 months
S1 v3  华南方案  from -  frozen 3 days, protected 30 days, overrides 20.00%, 10.00%
  plan P39              bounty 12.50, share 5.00% for 12 months
  tier from activation no. 11: 5.00 each
EOF
show >"$T_DIR/got"
diff "$T_DIR/want" "$T_DIR/got" >&2; t_ok "the CLI shows exactly what the forms set" $?

# A share over 100%: one line naming the field; nothing written.
keys b
wait_for "a bad percentage" "Plan bounty and share"
keys P39 Tab 20 Tab 150 Tab 12 F2
wait_for "... refused in one line naming the field" "share: 150% is not from 0 to 100"
show >"$T_DIR/got2"
cmp -s "$T_DIR/got" "$T_DIR/got2"; t_ok "... nothing written" $?
keys Escape
wait_for "... leaving asks" "Discard your changes"
keys y
wait_for "... back at the list" "S1 +华南方案 +3 +v3"

# The agents it is in force for: A1 given it, then counted, as its own.
simdeskctl agent update A1 --scheme S1 >/dev/null
keys r
wait_for "the list counts A1, its own" "S1 +华南方案 +3 +v3 +1 +1"

# A change from tomorrow: a new version; today's stays in force as it was.
keys Enter
wait_for "Enter: the scheme's versions, the one in force shown" "version 3 of 3, from - \\(in force\\)"
wait_for "... its bounty" "P39 +12\\.50 +5\\.00% +12"
wait_for "... its tier" " 11 +5\\.00"
wait_for "... its overrides and days" "Frozen 3 days, protected 30 days; overrides: 20\\.00%, 10\\.00%"
keys a
wait_for "a: a new version of this scheme" "New scheme or version"
keys Tab "$TOMORROW" Tab 7 F2
wait_for "... version 4" "Scheme S1: version 4\\."
wait_for "... v4 from tomorrow, not yet" "v4 +$TOMORROW not yet"
wait_for "... v3 still in force" "v3 +- +in force"
wait_for "... and shown" "version 3 of 4, from - \\(in force\\)"
keys j
wait_for "j: v4's figures" "version 4 of 4, from $TOMORROW \\(not yet\\)"
wait_for "... frozen 7 days" "Frozen 7 days, protected 30 days"
show >"$T_DIR/got3"
head -6 "$T_DIR/got3" | cmp -s - "$T_DIR/got"; t_ok "the CLI: versions 1-3 unchanged" $?
sed -n 7p "$T_DIR/got3" | grep -qE "^S1 v4  华南方案  from $TOMORROW  frozen 7 days, protected 30 days, overrides 20\\.00%, 10\\.00%$"
t_ok "... v4 from tomorrow with 7 frozen days" $?
simdeskctl --json agent show A1 | grep -q '"scheme": "S1"'; t_ok "A1's scheme is S1" $?
t_rc 0 "verify holds" simdeskctl verify
keys Escape
wait_for "Esc: back at the list" "No\\.|Code"
tm kill-session -t adm

# An agent user: the Settlements screen, without the editor or its key.
W=ag
start ag
wait_for "an agent user" "Log in" 300 || exit 1
keys agent Tab agentpw1 Enter
wait_for "... signed in" "Settlements and commissions" 300 || exit 1
pick "Settlements and commissions"
wait_for "... its settlements" "This month's commissions"
t_nogrep "... no Schemes key in the bar" "Schemes" "$T_DIR/screen"
keys s
wait_for "... and s is not for its role" "That key is not for your role"
tm kill-session -t ag

W=cash
start cash
wait_for "a cashier" "Log in" 300 || exit 1
keys cashier Tab cashierpw1 Enter
wait_for "... signed in: the payment desk" "Payment desk" 300 || exit 1
keys Escape
wait_for "... Esc: the cashier's home" "Find a customer" 300 || exit 1
t_nogrep "... no Settlements screen to open the editor from" "Settlements" "$T_DIR/screen"
tm kill-session -t cash

# In Chinese.
W=zh
start zh zh_CN.UTF-8
wait_for "an admin in Chinese" "登录" 300 || exit 1
keys admin Tab adminpw1 Enter
wait_for "... signed in" "结算" 300 || exit 1
pick "结算与佣金"
wait_for "... 结算单, s 佣金方案" "s 佣金方案"
keys s
wait_for "... the schemes" "S1 +华南方案 +4 +v3 +1 +1"
keys Enter
wait_for "... 生效中" "v3 +- +生效中"
wait_for "... 未生效" "v4 +$TOMORROW 未生效"
tm kill-session -t zh
