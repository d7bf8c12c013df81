//! The skeleton's live feed: every connected screen sees the head move.

use futures_util::StreamExt;
use shared::wire::ServerMessage;
use tokio_tungstenite::tungstenite::Message;

async fn next_head<S>(socket: &mut S) -> u64
where
    S: StreamExt<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        match socket.next().await.unwrap().unwrap() {
            Message::Text(text) => {
                let ServerMessage::Head { position, .. } = serde_json::from_str(&text).unwrap();
                return position;
            }
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("unexpected frame {other:?}"),
        }
    }
}

#[tokio::test]
async fn two_screens_see_the_head_move_after_an_append() {
    let app = tests::spawn_app(false).await.unwrap();
    let (mut first, _) = tokio_tungstenite::connect_async(app.ws_url()).await.unwrap();
    let (mut second, _) = tokio_tungstenite::connect_async(app.ws_url()).await.unwrap();
    assert_eq!(next_head(&mut first).await, 0);
    assert_eq!(next_head(&mut second).await, 0);

    app.log.append(tests::note("s", "c1")).await.unwrap();
    assert_eq!(next_head(&mut first).await, 1);
    assert_eq!(next_head(&mut second).await, 1);
    app.stop().await;
}
