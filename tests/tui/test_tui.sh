#!/usr/bin/env bash
# test_tui.sh -- drives the real simdesk in tmux (send-keys, capture-pane):
# login, the role's home, the user list with filter-as-you-type, a form
# with a validation error and the discard question, adding a user, help,
# a resize, and the same screens once in zh_CN.UTF-8.
. "$(dirname "$0")/../lib.sh"
t_tmp
t_seed || { t_ok "seed data" 1; exit 1; }
SIMDESK_NEW_PASSWORD=secret12 simdeskctl user add wangxm --role cashier --name 王小明 --team east >/dev/null
SIMDESK_NEW_PASSWORD=secret12 simdeskctl user add wuli --role operator --name 吴立 >/dev/null
NSOCK=0
SOCK="simdesk-test-$$-0"
tm() { tmux -L "$SOCK" "$@"; }
cleanup_tmux() { tm kill-server 2>/dev/null; t_cleanup; }
trap cleanup_tmux EXIT

start() {	# LANG ARGS...
	local lang=$1
	shift
	tm kill-server 2>/dev/null
	NSOCK=$((NSOCK + 1))
	SOCK="simdesk-test-$$-$NSOCK"	# a fresh server: no shutdown race
	tm new-session -d -s s -x "${COLS_X:-100}" -y "${ROWS_Y:-30}" \
	    "env LANG=$lang LC_ALL=$lang SIMDESK_DATA=$SIMDESK_DATA $T_TOP/build/bin/simdesk $*; echo EXITED \$?; sleep 30"
}
screen() { tm capture-pane -p -t s; }
keys() { tm send-keys -t s "$@"; }
# wait_for DESC REGEX: the screen shows REGEX within 5 s.
wait_for() {
	for _ in $(seq 50); do
		screen >"$T_DIR/screen"
		grep -qE -- "$2" "$T_DIR/screen" && { t_ok "$1" 0; return 0; }
		sleep 0.1
	done
	echo "# $1: /$2/ not on screen:"; sed 's/^/#   |/' "$T_DIR/screen"
	t_ok "$1" 1
	return 1
}
wait_gone() {
	for _ in $(seq 50); do
		screen >"$T_DIR/screen"
		grep -qE -- "$2" "$T_DIR/screen" || { t_ok "$1" 0; return 0; }
		sleep 0.1
	done
	echo "# $1: /$2/ still on screen:"; sed 's/^/#   |/' "$T_DIR/screen"
	t_ok "$1" 1
}

# ---------------------------------------------------------------- login
start C.UTF-8 -l
wait_for "the login screen" "Log in"
wait_for "... with an F-key bar" "F2 Save.*F1 Help"
keys admin Tab wrongpw Enter
wait_for "a wrong password says so" "wrong password for admin"
keys adminpw1 Enter
wait_for "the right one opens the admin's home" "User administration"
wait_for "... with the user's name in the title bar" "管理员 \(admin\)"

# ---------------------------------------------------------------- user list
keys 7		# user administration
wait_for "the user list" "Login +Name +Role"
wait_for "... lists users" "wangxm +王小明 +cashier"
# CJK names take two columns each: the role column still lines up.
rolecol() {	# display column where the role starts on the line for $1
	local line
	line=$(grep -E "^$1 " "$T_DIR/screen")
	[[ $line =~ ^(.+[^\ ]\ +)(admin|supervisor|operator|cashier|agent)\  ]] &&
	    printf '%s' "${BASH_REMATCH[1]}" | wc -L
}
[ -n "$(rolecol wangxm)" ] && [ "$(rolecol wangxm)" = "$(rolecol cashier)" ] &&
    [ "$(rolecol wangxm)" = "$(rolecol wuli)" ]
t_ok "... the role column lines up under CJK names" $?
keys /
wait_for "/ opens the filter" "^/ _"
keys w
wait_for "typing filters as you type" "^/ w_"
wait_gone "... hiding what does not match" "^supervisor "
wait_for "... keeping what matches" "^wangxm "
keys u
wait_gone "a second letter narrows it" "^wangxm "
wait_for "... to wuli" "^wuli "
keys Escape
wait_for "Esc clears the filter" "^supervisor "
# A leaver's customers move to someone else from the list (issue 12).
as wuli secret12 simdeskctl customer add --name 移交甲 --phone 13800000011 >/dev/null
as wuli secret12 simdeskctl customer add --name 移交乙 --phone 13800000012 >/dev/null
t_ok "two customers of wuli's" $?
keys / wuli Enter
wait_for "wuli selected" "^wuli +吴立"
keys t
wait_for "t asks to whom" "Move wuli's customers to \(login\):"
keys cashier Enter
wait_for "... and confirms first" "Move all of wuli's customers, their reminders and open tickets to cashier\?"
keys y
wait_for "... a cashier cannot take them, said in one line" "to: cashier is not an active operator or supervisor"
simdeskctl customer show 13800000011 >"$T_DIR/o"
t_grep "... nothing moved" "wuli" "$T_DIR/o"
keys t
wait_for "t again" "Move wuli's customers to"
keys operator Enter
wait_for "... confirms" "to operator\?"
keys n
wait_gone "... n moves nothing" "to operator\?"
simdeskctl customer show 13800000012 >"$T_DIR/o"
t_grep "... still wuli's" "wuli" "$T_DIR/o"
keys t operator Enter y
wait_for "... y moves both" "Customers moved to operator: 2\."
simdeskctl customer show 13800000011 >"$T_DIR/o"
t_grep "... the first is the operator's" "operator" "$T_DIR/o"
t_nogrep "... no longer wuli's" "wuli" "$T_DIR/o"
simdeskctl audit list --op customer.transfer >"$T_DIR/o"
t_grep "... audited" "customer.transfer" "$T_DIR/o"
keys Escape
wait_for "Esc clears the filter again" "^supervisor "
# One customer from its card (issue 12): o, to whom, a confirmation.
keys Escape
wait_for "home again" "User administration"
keys 3
wait_for "all customers" "移交乙"
keys / '*0012' Enter Enter
wait_for "the card of 移交乙" "移交乙  #"
keys o
wait_for "o asks to whom" "Move 移交乙 from operator to \(login\):"
keys nobody Enter
wait_for "... confirms first" "from operator to nobody\?"
keys y
wait_for "... an unknown login is refused in one line, naming the field" "to: no user nobody"
keys o supervisor Enter
wait_for "o again, to the supervisor" "from operator to supervisor\?"
keys n
wait_gone "... n moves nothing" "to supervisor\?"
simdeskctl customer show 13800000012 >"$T_DIR/o"
t_grep "... still the operator's" "operator" "$T_DIR/o"
keys o supervisor Enter y
wait_for "... y moves it" "移交乙 is supervisor's customer now\."
wait_for "... the card shows the new owner" "Owner +supervisor"
simdeskctl customer show 13800000012 >"$T_DIR/o"
t_grep "... as the CLI says" "supervisor" "$T_DIR/o"
simdeskctl customer show 13800000011 >"$T_DIR/o"
t_grep "... and only that one: 移交甲 stays" "operator" "$T_DIR/o"
simdeskctl audit list --op customer.transfer >"$T_DIR/o"
t_grep "... audited" "supervisor" "$T_DIR/o"
keys '?'
wait_for "... the card's help says what o does" "o moves the customer"
keys q
wait_for "... and goes back to the card" "移交乙  #"
keys Escape
wait_for "Esc: the list, still filtered" "^/ \*0012"
keys Escape
wait_for "... Esc clears the filter" "Press / to filter"
keys Escape
wait_for "home once more" "User administration"
keys 7
wait_for "the user list again" "Login +Name +Role"
# The filter matches the login or the name anywhere in it (issue 12).
keys / xm
wait_for "a filter matches inside a login" "^wangxm "
wait_gone "... and nothing else" "^wuli "
keys Escape / 小明
wait_for "... and inside a name" "^wangxm +王小明"
wait_gone "... only there" "^supervisor "
keys Escape
wait_for "Esc clears it again" "^supervisor "
# G and g on a menu: the last entry and the first (issue 12).
keys Escape
wait_for "back home" "User administration"
keys G Enter
wait_for "G then Enter opens the home menu's last entry" "New password"
keys Escape
wait_for "... and Esc comes back" "User administration"
# Verify from the TUI (issue 12): every check with its result.
keys G Up Up Up Enter
wait_for "Verify the data: simdeskd's checks" "simdesk — Verify the data"
wait_for "... each with its result" "ok +postings balance +[0-9]+ postings, 0 unbalanced"
wait_for "... receipts among them" "ok +receipts "
wait_for "... and the sum of it" "All [0-9]+ checks passed\."
keys '?'
wait_for "... its help says what is checked" "receipt numbers without gaps"
keys q
keys r
wait_for "r runs them again" "All [0-9]+ checks passed\."
keys Escape
wait_for "... Esc comes back" "User administration"
keys 7
wait_for "the user list again" "Login +Name +Role"

# ---------------------------------------------------------------- form
keys a
wait_for "a opens the new-user form" "New user"
keys "Bad Name" Tab
wait_for "a bad login is flagged next to the field" "must start with a lowercase"
keys Escape
wait_for "Esc with changes asks first" "Discard your changes\? \(y/n\)"
keys n
wait_for "n keeps the form" "Bad Name"
keys Up
for _ in $(seq 8); do keys BSpace; done
keys newbie Tab 新人 Tab Right Tab east Tab Tab Tab Tab pw123456 Tab pw123456
keys F2
wait_for "F2 saves and says so" "newbie added"
wait_for "... and the list shows the new user" "^newbie +新人 +cashier"
simdeskctl --json user show newbie >"$T_DIR/o"
grep -q '"role": "cashier"' "$T_DIR/o"; t_ok "... stored with the chosen role" $?
keys a
wait_for "the form again" "New user"
keys F2
wait_for "saving an empty form flags the required fields" "Please correct the fields marked in red"
# Every bad field at once, each beside its field (issue 12): a password
# too short and a repeat that differs, with the login's rule, on one F2.
keys "Bad Name" Tab Tab Tab Tab Tab Tab Tab abc Tab abd F2
wait_for "... a bad login, the cursor on it" "Login \* +Bad Name_ *$"
wait_for "... its rule whole on the line under it (too long for beside it)" "^ {20}'Bad Name' must start with a lowercase letter or digit$"
wait_for "... a short password beside its" "Password \* +\*\*\* +shorter than [0-9]+ characters"
wait_for "... and the repeat that differs, on the same F2" "Repeat password \* +\*\*\* +the two passwords differ"
keys Escape
wait_for "... leaving asks first" "Discard your changes\? \(y/n\)"
keys y
wait_for "... y discards" "^newbie "
keys a
wait_for "the form again" "New user"
keys Escape
wait_for "Esc without changes leaves at once" "^newbie "
# A value typed and taken back again is no change (issue 12).
keys a
wait_for "the form once more" "New user"
keys x BSpace
keys Escape
wait_for "Esc after typing and erasing it leaves at once" "^newbie "
not_on "... without asking to discard" "Discard your changes" 1
# An admin resets a user's password from the list (issue 12).
keys / newbie Enter
wait_for "the new user selected" "^newbie +新人"
keys p
wait_for "p asks the new password for the selected user" "New password for newbie:"
keys newpass99 Enter
wait_for "... twice" "The same again:"
keys newpass98 Enter
wait_for "... two that differ are refused" "repeat: the two passwords differ"
keys p newpass99 Enter newpass99 Enter
wait_for "... the same twice sets it" "newbie has a new password"
t_rc 0 "... newbie signs in with it" as newbie newpass99 simdeskctl user show newbie
t_rc 4 "... not with the old one" as newbie pw123456 simdeskctl user show newbie
keys Escape
wait_for "Esc clears the filter" "^supervisor "

# ---------------------------------------------------------------- help, resize
keys '?'
wait_for "? shows help" "Press any key to go back"
wait_for "... listing the screen's keys" "Disable/enable"
keys q
wait_for "any key returns" "Login +Name +Role"
tm resize-window -t s -x 60 -y 20
sleep 0.3
keys r
wait_for "after a resize the screen is redrawn to fit" "Login +Name"
w=$(screen | wc -L); h=$(screen | wc -l)
[ "$w" -le 60 ] && [ "$h" -eq 20 ]; t_ok "... 60x20 (got ${w}x$h)" $?
screen | tail -1 | grep -q "Add"; t_ok "... with the F-key bar on the last line" $?
keys F10
wait_for "F10 asks before leaving" "Leave simdesk\? \(y/n\)"
keys y
wait_for "y leaves with status 0" "EXITED 0"

# ---------------------------------------------------------------- roles
start C.UTF-8 -l
wait_for "login screen again" "Log in"
keys cashier Tab cashierpw1 Enter
wait_for "a cashier starts at the payment desk" "Phone or customer id:"
keys Escape
wait_for "... over the cashier's home" "Cashier counter"
wait_gone "... without user administration" "User administration"

start C.UTF-8
wait_for "a bound Unix user skips the login screen" "User administration"

# ---------------------------------------------------------------- Chinese
start zh_CN.UTF-8
wait_for "LANG=zh_CN.UTF-8 shows Chinese labels" "用户管理"
keys 7
wait_for "... in the list too" "登录名 +姓名 +角色"
wait_for "... role names translated" "^wangxm +王小明 +收费员"
keys '?'
wait_for "... and the help" "按任意键返回"

# ---------------------------------------------------------------- 80x24
# The key bar at 80 columns (issue 12): keys that do not fit give way to
# "…", but going back, Help and Quit are always there, in C and zh_CN.
# At 160x48 every entry opens too, its key bar whole or filling the
# width, its list or panels using the height.
for size in 80x24 160x48; do
for lang in C.UTF-8 zh_CN.UTF-8; do
	COLS_X=${size%x*} ROWS_Y=${size#*x} start "$lang"
	case $lang in C*) home="User administration" help="F1 Help" quit="F10 Quit" back="Esc Back" ;;
	              *) home="用户管理" help="F1 帮助" quit="F10 退出" back="Esc 返回" ;; esac
	wait_for "$lang $size: the home screen" "$home"
	bar() { screen | tail -1; }
	hometitle=$(screen | head -1)
	bar | grep -q "$help" && bar | grep -q "$quit"
	t_ok "$lang $size: the home's key bar shows Help and Quit ($(bar))" $?
	for k in 1 2 3 4 5 6 7 8 9 0; do
		keys "$k"
		for _ in $(seq 300); do [ "$(screen | head -1)" != "$hometitle" ] && break; sleep 0.1; done
		r=1
		for _ in $(seq 30); do
			b=$(bar)
			[[ $b == *"$help"* && $b == *"$quit"* && $b == *Esc* ]] && { r=0; break; }
			sleep 0.1
		done
		title=$(screen | head -1 | sed 's/  */ /g')
		t_ok "$lang $size: entry $k ($title): Esc, Help and Quit on the key bar" $r
		[ $r -eq 0 ] || echo "#   bar: $b"
		if [ "$size" = 80x24 ]; then
			# The customer list has more keys than fit: "…" says so.
			if [ "$k" = 1 ]; then [[ $b == *"… "* ]]; t_ok "... and … for the keys left out" $?; fi
		else
			# Every key fits, or the bar uses the width.
			r=0; [[ $b != *"…"* ]] || [ "${#b}" -ge 130 ] || r=1
			t_ok "... its keys fill the wide bar" $r
			[ $r -eq 0 ] || echo "#   bar: $b"
			# The screen uses the whole height: its last list or
			# panel line is below row 24.
			[ "$(screen | sed -n '25,47p' | grep -c '[^ ]')" -gt 0 ] ||
			    [ "$(screen | sed -n '2,24p' | grep -c '[^ ]')" -lt 20 ]
			t_ok "... drawn past row 24 or not needing it" $?
		fi
		keys Escape
		wait_for "... Esc goes home" "$home"
	done
done
done

# Every role's home entries at both sizes, in C and zh_CN, and the
# entries of the menus they open (stock, billing): each opens with Esc,
# Help and Quit on its key bar, and Esc goes back; the entries past the
# tenth, which have no number, too.
opens() {	# KEY...: the entry opens (the title changes) with the keys on its bar
	local before r=1
	before=$(screen | head -1)
	keys "$@"
	for _ in $(seq 300); do [ "$(screen | head -1)" != "$before" ] && break; sleep 0.1; done
	for _ in $(seq 50); do
		b=$(screen | tail -1)
		[[ $b == *"$help"* && $b == *"$quit"* && $b == *Esc* ]] && { r=0; break; }
		sleep 0.1
	done
	[ $r -eq 0 ] || { echo "#   entry $1: $(screen | head -1)"; echo "#   bar: $b"; }
	return $r
}
back_to() {	# TITLE: Esc until the title bar is TITLE again
	keys Escape
	for _ in $(seq 300); do [ "$(screen | head -1)" = "$1" ] && return 0; sleep 0.1; done
	return 1
}
for size in 80x24 160x48; do
for lang in C.UTF-8 zh_CN.UTF-8; do
for role in admin supervisor operator cashier agent; do
	COLS_X=${size%x*} ROWS_Y=${size#*x} start "$lang" -l
	case $lang in C*) help="F1 Help" quit="F10 Quit" ;; *) help="F1 帮助" quit="F10 退出" ;; esac
	wait_for "$lang $size $role: the login screen" "Log in|登录"
	keys "$role" Tab "${role}pw1" Enter
	# A cashier starts at the payment desk: Esc goes home.
	if [ "$role" = cashier ]; then
		wait_for "... the cashier's desk first" "Payment desk|收费台"
		keys Escape
	fi
	for _ in $(seq 300); do screen | grep -qE '^ +1  ' && break; sleep 0.1; done
	home=$(screen | head -1)
	entries=$(screen | grep -oE '^ +[0-9]  ' | tr -d ' ')
	n=0 total=0
	for k in $entries; do
		total=$((total + 1))
		opens "$k" && n=$((n + 1))
		# The stock and billing menus: each of their entries too.
		sub=$(screen | head -1)
		if ! [[ $sub =~ simdesk\ —\ (Stock|Billing|库存|计费)\  ]]; then
			back_to "$home" || echo "#   entry $k: Esc did not come home"
			continue
		fi
		for _ in $(seq 50); do screen | grep -qE '^ +1  ' && break; sleep 0.1; done
		for j in $(screen | sed -n '2,$p' | grep -oE '^ +[0-9]  ' | tr -d ' '); do
			total=$((total + 1))
			opens "$j" && n=$((n + 1))
			back_to "$sub" || echo "#   entry $k $j: Esc did not come back"
		done
		back_to "$home" || echo "#   entry $k: Esc did not come home"
	done
	[ -n "$entries" ] && [ "$n" -eq "$total" ]
	t_ok "$lang $size $role: the home's entries and their menus' ($total) open with Esc, Help and Quit on the bar ($n)" $?
	# The entries past the tenth have no number (Reports, Verify the
	# data, Audit trail, Modem board, My account): G selects the last, Up the ones above it, and
	# Enter opens each, its title on the title bar, its keys on the bar.
	screen >"$T_DIR/home"
	mapfile -t more < <(sed -n '/^ \+0  /,$p' "$T_DIR/home" | sed 1d |
	    sed -n '/^      [^ ]/!q;p' | sed 's/^ *//')
	n=0
	for ((j = 0; j < ${#more[@]}; j++)); do
		go=(G)
		for ((x = j + 1; x < ${#more[@]}; x++)); do go+=(Up); done
		label=${more[j]%% (*}
		label=${label%%（*}
		if opens "${go[@]}" Enter; then
			if [[ $(screen | head -1) == *"$label"* ]]; then
				n=$((n + 1))
			else
				echo "#   ${more[j]}: title $(screen | head -1)"
			fi
		fi
		back_to "$home" || echo "#   ${more[j]}: Esc did not come home"
	done
	# An admin's and a supervisor's home has five of them (Settlements
	# and commissions took the 0, so Reports, then Verify the data, are
	# below it).
	want=0
	case $role in admin|supervisor) want=5 ;; esac
	if [ ${#more[@]} -gt 0 ] || [ $want -gt 0 ]; then
		[ ${#more[@]} -eq $want ] && [ "$n" -eq $want ]
		t_ok "$lang $size $role: the entries without a number (${more[*]}) open with their title, Esc, Help and Quit ($n of $want)" $?
	fi
done
done
done

# ---------------------------------------------------------------- locale
LANG=C LC_ALL=C simdesk >/dev/null 2>"$T_DIR/err" </dev/null
[ $? -eq 2 ]; t_ok "a non-UTF-8 locale is refused with status 2" $?
grep -q "needs a UTF-8 locale" "$T_DIR/err"; t_ok "... saying why" $?
