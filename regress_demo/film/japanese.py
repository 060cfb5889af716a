"""The frames', the gallery's and a notebook's texts in Japanese, in the textbook's terms, by the
keys of texts.py's English table (texts.py chooses the table; a test checks that both have the same
keys and the same fields); and what trained a run and why, as engines.py says it, in Japanese.
"""

from __future__ import annotations

import re

#: The texts of the Japanese frames, in the textbook's terms (中間層, 出力層, ニューロン, 学習係数,
#: エポック, 誤差, 訓練データ, 正解).
TEXTS = {
    # The fit panel.
    "fit": "ネットワークの出力",
    "earlier_fits": "少し前の出力",
    "outputs": "エポック中の出力",
    "outputs_wrapped": "エポック中の出力\n(訓練データごと)",
    "output_y": "出力 y",
    "input_x": "入力 x",
    "input_x_sine": "入力 x (角度 0 … 2π を -1 … 1 に変換)",
    "target": "正解: {curve}",
    "samples": "訓練データ",
    "samples_noise": "訓練データ\n(ノイズ σ={noise})",
    "heldout_range": "学習に使わない範囲",
    "heldout_samples": "学習に使わないデータ",
    # The titles that change with every frame.
    "simple_title": "n_mid={n_mid}   eta={eta}",
    "simple_epoch": "エポック {epoch} / {epochs}   誤差 {error:.2e}",
    "rich_epoch": "エポック {epoch} / {epochs}     誤差 {error:.2e}",
    "rich_epoch_blank": "エポック  誤差",
    "grid_epoch": "エポック {epoch} / {epochs}",
    "grid_error": "誤差 {error:.1e}",
    "grid_heldout_error": "学習外の誤差 {error:.1e}",
    "tile_title": "エポック {epoch} · 誤差 {error:.1e}",
    "handout_title": "ニューラルネットワークが曲線を学ぶ様子 (エポックごと)",
    "handout_error": "各エポックの誤差 (上のエポックに印)",
    "grid_diverged": "発散",
    "diverged_at": "エポック {epoch} で発散",
    "simple_reached": "エポック {epoch} で {limit} に到達   誤差 {error:.2e}",
    "rich_reached": "エポック {epoch} で {limit} に到達     誤差 {error:.2e}",
    "grid_reached": "エポック {epoch} で到達",
    "grid_some_reached": "エポック {epoch} / {epochs}   {total} 個中 {count} 個が {limit} に到達",
    "grid_all_reached": "{count} 個すべてが {limit} に到達 (最後はエポック {epoch})",
    "diverged_hint": ": eta を小さくしてみましょう",
    "diverged_gradcheck": "\n勾配チェック不合格: {where}\nlayers.py を直しましょう",
    # The neuron panel.
    "neuron": "ニューロン {number}",
    "more_neurons": "残り {count} 個の\nニューロンの和",
    "output_bias_b2": "出力層のバイアス b2",
    "output_bias": "出力層のバイアス",
    "neurons_share": "中間層の各ニューロンの寄与",
    "neurons_share_deep": "最後の中間層 (全 {depth} 層の {depth} 層目) の各ニューロンの寄与",
    "neurons_title": "{which} (バイアスと合わせた和が赤い線)",
    "neurons_title_print": "{which} (バイアスと合わせた和がネットワークの出力)",
    "neurons_share_log_y": "中間層の各ニューロンの寄与",
    "neurons_title_log_y": "{which} (バイアスと合わせた和が赤い線の log10)",
    "neurons_title_print_log_y": "{which} (バイアスと合わせた和がネットワークの出力の log10)",
    # The loss panel.
    "epoch": "エポック",
    "error": "誤差",
    "loss_title": "エポックごとの誤差: ½(y − t)² の平均",
    "training": "訓練データ",
    "heldout_error": "学習に使わないデータ\n(エポック終了時の\n重みで)",
    "grid_heldout_note": "細い線: 学習に使わないデータの誤差 (エポック終了時の重みで)",
    # The header: the settings beyond the textbook's.
    "epochs": "{count} エポック",
    "epochs_one": "{count} エポック",
    "sgd": "SGD、バッチサイズ 1",
    "minibatch_sgd": "ミニバッチ SGD、バッチサイズ {batch}",
    "header_target": "正解 {curve}",
    "header_samples": "データ {count} 個",
    "header_noise": "ノイズ σ={noise}",
    "header_heldout": "学習に使わない範囲: x が [{low}, {high}]",
    "header_stop_at": "誤差 {limit} 以下で停止",
    "layers_edited": "layers.py を編集 ({digest})",
    "gradient_check_failed": "勾配チェック不合格",
    "header_data": "データ: {name}、{points}",
    "data_points": "{count} 点",
    "data_drawn": "{total} 点から無作為に {count} 点",
    "data_marks": "+ は {step} 点に 1 点",
    "data_scaling": "学習: u = {x} を [−1, 1] に変換、v = {y} を標準化 "
    "(平均 {mean}、標準偏差 {sd})",
    "data_bias_b2": "平均 + 標準偏差 · b2",
    "data_bias": "平均 + 標準偏差 · 出力層のバイアス",
    "share_of_variance": "(var(y) の {share})",
    "rmse": "、RMSE {rmse}",
    "error_unit": "誤差 ({unit}²)",
    "error_log_y": "誤差 ((log10 y)²)",
    "poor_fit": "当てはまりが var(y) の {share} を残しています: "
    "ニューロンを増やし、初期の重みを広げてみてください (例: {options})",
    "poor_fit_sample": "当てはまりが var(y) の {share} を残しています: "
    "ニューロンを増やし、初期の重みを広げ、短い時間で済むようにデータの一部を使ってみてください "
    "(例: {options})",
    "poor_fit_plain": "当てはまりが var(y) の {share} を残しています: "
    "ニューロンを増やし、初期の重みを広げ、エポックを増やしてみてください",
    # The gallery page.
    "page_runs": "{count} 件の実行",
    "page_one_run": "{count} 件の実行",
    "page_intro": "このフォルダーの実行結果です (新しい順)。"
    "小さなニューラルネットワークが曲線 (見出しに"
    "ほかの曲線の名前がなければ sin) を学習していく様子と、その設定、学習の終わり方を示します。",
    "page_alt": "曲線を学習するネットワーク: {title}",
    "page_frames": " · {count} フレーム",
    "page_frames_one": " · {count} フレーム",
    "page_engine": "学習に使ったもの: {engine}",
    "page_finished": "完了",
    "page_diverged": "発散",
    "page_interrupted": "中断",
    "page_reached": "到達",
    "page_reached_at": "エポック {epoch} で誤差 {limit} に到達",
    "page_not_reached": "終了 (誤差 {limit} には届かず)",
    "page_final_error": "最終の誤差",
    "page_heldout_error": "学習に使わないデータの誤差",
    "page_ending": "終わり方",
    "page_record": "実行の記録 (JSON)",
    "page_video": "動画 ({kind})",
    "page_sheet": "コンタクトシート (PNG)",
    "page_sheet_of": "コンタクトシート ({kind})",
    "page_still": "エポック {epoch} の静止画 ({kind})",
    "page_handout": "配布資料 (PDF)",
    "page_frame": "エポック {epoch} · 誤差 {error:.2e}",
    "page_frame_best": "エポック {epoch} · 最小の誤差 {error:.2e}",
    "page_frame_epoch": "エポック {epoch}",
    "player_keys": "。スペースキーで再生・一時停止、矢印キーで 1 フレームずつ進む・戻る",
    "player_play_or_pause": "再生・一時停止",
    "player_play": "再生",
    "player_pause": "一時停止",
    "player_back": "1 フレーム戻る",
    "player_forward": "1 フレーム進む",
    "player_frame": "フレーム",
    "player_speed": "再生速度",
    "player_full_screen": "全画面表示",
    # 実行を探す・比べる
    "page_changed": "教科書と違う設定: {changes}",
    "page_textbook": "教科書どおりの設定",
    "page_final": " · 最終の誤差 {error}",
    "page_best": " · 最小の最終誤差 {error}",
    "page_best_heldout": " · 最小の学習外の誤差 {heldout} (最終の誤差 {error})",
    "page_all_settings": "すべての設定",
    "page_search": "検索",
    "page_status": "状態",
    "page_setting": "設定",
    "page_source": "曲線かデータか",
    "page_sort": "並べ方",
    "page_any": "すべて",
    "page_curves": "曲線",
    "page_own_data": "自分のデータ",
    "page_newest": "新しい順",
    "page_by_error": "最終の誤差の順",
    "page_shown": "{count} 件中 {shown} 件を表示",
    "page_pick": "比べる",
    "page_compare": "2 つの実行を並べて比べる",
    "page_compare_help": "2 枚のカードの「比べる」にチェックを入れると、動画を並べて見られます。",
    "page_close": "閉じる",
    "page_epoch": "エポック",
    "page_previous": "前のエポック",
    "page_next": "次のエポック",
    "page_differ": "違う設定: {changes}",
    "page_same": "同じ設定",
    "page_layers_book": "layers.py は教科書どおり",
    "page_compare_frame": "エポック {epoch} · 誤差 {error}",
    "page_compare_epoch": "エポック {epoch}",
    "page_choose_gif": "この GIF をエポックごとに進めるには、"
    "そのファイル ({name}) を選んでください:",
    "page_no_decoder": "このブラウザーでは GIF を 1 コマずつ進められません。"
    "--video webm を付けた実行なら進められます。",
    # The caption under a film in a notebook, and the explorer.
    "caption_diverged_some": "発散 ({total} 個中 {count} 個のネットワーク)",
    "caption_while_training": " (学習中)",
    "caption_while_drawing": " (描画中)",
    "caption_at_epoch_of": "、エポック {epoch} / {epochs}",
    "caption_before_first": "、最初のエポックの前 (全 {epochs} エポック)",
    "caption_no_epoch": "学習したエポックなし",
    "caption_final_error": "最終の誤差 {error}",
    "caption_held_out": "、学習に使わないデータの誤差 {error}",
    "caption_held_out_one": " (学習に使わないデータ {error})",
    "caption_final_errors": "最終の誤差 {errors}",
    "caption_hint": "ヒント: {hint}",
    "caption_textbook": "教科書どおりの設定",
    "caption_trained": "学習に使ったもの: {engine}、{frames} フレーム",
    "caption_trained_one": "学習に使ったもの: {engine}、{frames} フレーム",
    "caption_file": "、{path}",
    "caption_alt": "regress-demo の実行の動画: {settings}。{ending}",
    "caption_its_settings": "その設定",
    "caption_no_film": "動画はありません: 最初のフレームの前に止まりました。",
    "explore_busy": "学習と描画中: {settings} …",
    "explore_done": "{ending}: {errors}、{seconds:.1f} 秒 ({trained})",
    "explore_trained": "学習に使ったもの: {engine}",
    "explore_trained_fast": "学習に使ったもの: {engine}。ネットワーク 1 つなら層のクラスより速い",
    "explore_trained_differ": "学習に使ったもの: {engine}。速いループと結果が異なるため",
    "explore_trained_other": "学習に使ったもの: {engine}。速いループではこの設定を学習できないため",
    "explore_failed": "学習が止まりました: {error}。前回の動画はそのまま",
    "explore_newest": "今回",
    "explore_before": "前回",
    "explore_refused": "この値では学習できません: {error}",
    "explore_n_mid": "中間層のニューロン数 n_mid",
    "explore_eta": "学習係数 eta",
    "explore_epoch": "エポック数 epoch",
    "explore_activation": "活性化関数 activation",
    "explore_target": "正解の曲線 target",
    "explore_seed": "乱数のシード seed",
    "caption_too_large": "動画が大きすぎてページに埋め込めません: {link} ({size:.1f} MB)。",
    "caption_not_a_film": "このページでは見せられないファイルです: {link} ({size:.1f} MB)。",
    "caption_gone": "動画 {name} はもうありません。",
    "caption_then": "{status}、{summary}",
    "progress_starting": "開始",
    "progress_training": "学習中",
    "progress_drawing": "描画中",
    "progress_stopped": "停止",
    "progress_epochs": "{done}/{epochs} エポック",
    "progress_error": "、誤差 {error}",
    "progress_best_error": "、最小の誤差 {error}",
    "progress_frames": " | 描画したフレーム {done}/{total}",
    "progress_seconds": " | {seconds:.1f} 秒",
    "engine_edited": "layers.py (編集済み: {digest})",
    "summary_not_reached": "{epochs} エポックで {limit} に届かず",
    "summary_grid": "{total} 個中 {count} 個が {limit} に到達 ({which})",
    "summary_grid_none": "{total} 個とも {epochs} エポックで {limit} に届かず",
    "summary_grid_one": "{label} はエポック {epoch}",
    "summary_separator": "、",
    "gradcheck_differs": "{where}: {gradient} が有限差分と {percent} % 違います "
    "({entry}: {analytic} と {numeric})。{hint} を確かめてください ({test} で詳しく見られます)",
    "gradcheck_raised": "{where} で {raised} が起きました ({test} で詳しく見られます)",
}

#: What trained a run (engines.py; the record keeps it in English), in Japanese, part by part.
ENGINES = {
    "layer classes of layers.py": "layers.py の層のクラス",
    "vectorised loop": "ベクトル化したループ",
    "plain-float loop": "float のループ",
    "plain-float loop per network": "ネットワークごとの float のループ",
}
#: The units of budget.duration ("12 seconds", "1 minute", "2.5 hours"), in Japanese.
UNITS = {
    "year": "年",
    "month": "か月",
    "day": "日",
    "hour": "時間",
    "minute": "分",
    "second": "秒",
}
#: The names engines.py gives what trained a run, and the notes it adds when the layer classes train
#: a run that asked for a loop: each as a pattern of its English, with its Japanese.
CHECKED = re.compile(
    r"(?P<loop>.+), checked against layers\.py"
    r"( \(the layer classes of layers\.py would take about (?P<count>\S+) (?P<unit>[a-z]+?)s?\))?"
)
DIFFER = re.compile(r"layer classes of layers\.py \(they differ from the (?P<loop>.+)\)")
NOTES = (
    (
        re.compile(
            r"the fast loops do not know the activation (?P<activation>\S+); "
            r"training with the layer classes of layers\.py"
        ),
        "速いループは活性化関数 {activation} を知らないため、layers.py の層のクラスで学習します",
    ),
    (
        re.compile(
            r"layers\.py differs from the (?P<loop>.+) \(max \|dw\| (?P<dw>\S+) after one epoch\); "
            r"training with the layer classes of layers\.py, "
            r"whose gradients (?P<verdict>pass|fail) the gradient check"
        ),
        "layers.py が {loop} と異なるため (1 エポック後の |dw| の最大 {dw})、"
        "layers.py の層のクラスで学習します (その勾配は勾配チェックに{verdict})",
    ),
)
#: The gradient check's verdict in a note, in Japanese.
VERDICTS = {"pass": "合格", "fail": "不合格"}


def engine(name: str) -> str:
    """What trained a run, as engines.py names it, in Japanese (a name not known as it is)."""
    checked, differ = CHECKED.fullmatch(name), DIFFER.fullmatch(name)
    if checked and checked["loop"] in ENGINES:
        loop = ENGINES[checked["loop"]]
        if checked["count"] is None:
            return f"{loop} (layers.py と照合済み)"
        unit = UNITS.get(checked["unit"], checked["unit"])
        return f"{loop} (layers.py と照合済み。層のクラスなら約 {checked['count']} {unit})"
    if differ and differ["loop"] in ENGINES:
        loop = ENGINES[differ["loop"]]
        return f"{ENGINES['layer classes of layers.py']} ({loop} と結果が異なるため)"
    return ENGINES.get(name, name)


def note(note: str) -> str:
    """Why the layer classes train a run that asked for a loop (engines.py's note), in Japanese (a
    note not known as it is)."""
    for pattern, said in NOTES:
        found = pattern.fullmatch(note)
        if found:
            values = found.groupdict()
            if "loop" in values:
                values["loop"] = ENGINES.get(values["loop"], values["loop"])
            if "verdict" in values:
                values["verdict"] = VERDICTS[values["verdict"]]
            return said.format(**values)
    return note
